/* jrun-init: the container's terminal. The pty is allocated from the container's own devpts instance
 * (its /dev/ptmx, after the MOUNTs created /dev/pts), so the slave is /dev/pts/N inside the container;
 * the master goes to the caller's console socket (runc's protocol: one SCM_RIGHTS fd, the pty name
 * as the data bytes). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "jrun_init.h"

int jr_send_fd(int sock, int fd, const void *data, size_t len)
{
	char dummy = 0;
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	memset(&u, 0, sizeof u);
	/* a stream socket needs at least one data byte for the ancillary data to travel */
	struct iovec iov = { len ? (void *)data : &dummy, len ? len : 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* the fd went with the first bytes; a long payload (seccomp state JSON) may need more writes */
	const char *p = (const char *)iov.iov_base + n;
	size_t left = iov.iov_len - (size_t)n;
	while (left) {
		n = send(sock, p, left, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

void jr_setup_console(void)
{
	struct jr_plan *p = &jr.plan;
	if (!p->terminal)
		return;
	jr_set_stage(JR_ST_CONSOLE);
	int root = jr.root_fd;
	if (root < 0) /* exec mode: we joined the container's mount ns, / is the container's root */
		root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		JR_DIE(JR_ST_CONSOLE, "open", "/");
	int ppath = jr_open_in_root(root, "dev/ptmx", 0, -1);
	if (ppath < 0)
		jr_fail(JR_ST_CONSOLE, -ppath, "openat2", "/dev/ptmx (is /dev/pts mounted?)");
	struct stat st;
	if (fstat(ppath, &st) < 0)
		JR_DIE(JR_ST_CONSOLE, "fstat", "/dev/ptmx");
	/* whatever /dev/ptmx resolved to in the container, it must be the pty multiplexer 5:2 */
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
		jr_fail(JR_ST_CONSOLE, EINVAL, "fstat", "/dev/ptmx is not the 5:2 character device");
	char name[32];
	snprintf(name, sizeof name, "%d", ppath);
	/* reopen the resolved inode for real through the magic link; O_NOCTTY: not *our* tty yet */
	int master = openat(jr.procfd_dir, name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		JR_DIE(JR_ST_CONSOLE, "open", "/dev/ptmx");
	close(ppath);
	if (root != jr.root_fd)
		close(root);
	int unlock = 0;
	unsigned int ptn;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		JR_DIE(JR_ST_CONSOLE, "ioctl", "TIOCSPTLCK");
	if (ioctl(master, TIOCGPTN, &ptn) < 0)
		JR_DIE(JR_ST_CONSOLE, "ioctl", "TIOCGPTN");
	/* TIOCGPTPEER opens the slave from the master itself: no /dev/pts/N path lookup that a
	 * container could redirect */
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		JR_DIE(JR_ST_CONSOLE, "ioctl", "TIOCGPTPEER");
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = (unsigned short)p->rows, .ws_col = (unsigned short)p->cols };
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			JR_DIE(JR_ST_CONSOLE, "ioctl", "TIOCSWINSZ");
	}
	char ptyname[32];
	snprintf(ptyname, sizeof ptyname, "/dev/pts/%u", ptn);
	int r = jr_send_fd(jr.console_sock, master, ptyname, strlen(ptyname));
	if (r < 0)
		jr_fail(JR_ST_CONSOLE, -r, "sendmsg", "%s", p->console_socket);
	close(master);
	close(jr.console_sock);
	jr.console_sock = -1;
	if (p->mode == JR_MODE_CREATE)
		jr_bind_console(slave);
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			JR_DIE(JR_ST_CONSOLE, "dup2", "pty slave to fd %d", i);
	if (slave > 2)
		close(slave);
	/* we are a session leader without a controlling tty (setsid earlier) */
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		JR_DIE(JR_ST_CONSOLE, "ioctl", "TIOCSCTTY");
}
