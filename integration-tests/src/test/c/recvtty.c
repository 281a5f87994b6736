/* recvtty: a console-socket server for the terminal tests (the role containerd-shim/conmon play).
 * Usage: recvtty SOCKET_PATH INPUT_FILE
 * Listens on SOCKET_PATH, accepts one connection, receives the pty master by SCM_RIGHTS, prints
 * "name=<data sent with the fd>" on stderr, writes INPUT_FILE's bytes to the master, then copies everything
 * the master produces to stdout until EOF/EIO (the container side closed). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: recvtty SOCKET INPUT\n");
		return 2;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strncpy(sa.sun_path, argv[1], sizeof sa.sun_path - 1);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0) {
		perror("listen");
		return 1;
	}
	/* tell the test we are listening */
	fprintf(stderr, "listening\n");
	int c = accept(l, NULL, NULL);
	if (c < 0) {
		perror("accept");
		return 1;
	}
	char data[256] = "";
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	struct iovec iov = { .iov_base = data, .iov_len = sizeof data - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
	ssize_t n = recvmsg(c, &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (n < 0 || !cm || cm->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "no fd received\n");
		return 1;
	}
	int master;
	memcpy(&master, CMSG_DATA(cm), sizeof master);
	fprintf(stderr, "name=%s\n", data);
	int in = open(argv[2], O_RDONLY);
	char buf[4096];
	while (in >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(master, buf, (size_t)n) != n)
			break;
	while ((n = read(master, buf, sizeof buf)) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
	return 0;
}
