#include <stdio.h>

/* The demo project's source: shipped in the tarball the build makes (docs/images.md "Reproducible builds"). */
int main(void)
{
	puts("hello, reproducible world");
	return 0;
}
