/* Capability mask helpers: the two capset(2) words and masking to cap_last_cap. */
#include <stdint.h>
#include <linux/capability.h>

#include "check.h"
#include "jrun_init.h"

int main(void)
{
	struct __user_cap_data_struct d[2];
	CHECK(jr_caps_valid_mask(40) == 0x1ffffffffffULL, "valid mask for cap_last_cap 40");
	CHECK(jr_caps_valid_mask(63) == ~0ULL, "valid mask for 63");
	CHECK(jr_caps_valid_mask(0) == 1, "valid mask for 0");

	uint64_t docker = 0;
	int caps[] = { 0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31 };
	for (unsigned i = 0; i < sizeof caps / sizeof *caps; i++)
		docker |= 1ULL << caps[i];
	CHECK(docker == 0xa80425fbULL, "docker default set is 0xa80425fb");

	jr_caps_to_data(docker, docker | (1ULL << 38), 1ULL << 33, 40, d);
	CHECK(d[0].effective == 0xa80425fb && d[1].effective == 0, "effective low/high words");
	CHECK(d[0].permitted == 0xa80425fb && d[1].permitted == 1u << 6, "permitted high word (cap 38 = bit 6)");
	CHECK(d[0].inheritable == 0 && d[1].inheritable == 1u << 1, "inheritable high word");

	jr_caps_to_data(~0ULL, ~0ULL, 0, 40, d);
	CHECK(d[0].effective == 0xffffffffu && d[1].effective == 0x1ff, "bits above cap_last_cap masked off");
	CHECK(_LINUX_CAPABILITY_VERSION_3 == 0x20080522, "VERSION_3 constant (two 32-bit words)");
	CHECK_DONE();
}
