/*
 * Framed messages over a stream socket (a socketpair between processes of
 * one daemon, or the control socket), in the spirit of OpenBSD's imsg:
 * each message has a type, a peer id, the sender's pid, a payload, and
 * optionally one file descriptor passed with SCM_RIGHTS.
 *
 * Writes are queued and flushed as the socket accepts them, up to
 * IMSG_QUEUE_MAX bytes; reads fill a
 * buffer from which imsg_get() takes whole messages.  A frame whose length
 * is below the header size or above the buffer's maximum, or with unknown
 * flags, is malformed: imsg_get() fails with EBADMSG and the caller drops
 * the connection.
 */
#ifndef EG_IMSG_H
#define EG_IMSG_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#define IMSG_MAXSIZE_DEFAULT	(256 * 1024)
#define IMSG_MAXSIZE_LIMIT	(16 * 1024 * 1024)
#define IMSG_MAXFDS_QUEUED	32
/*
 * Bytes a queue may hold unwritten: beyond, imsg_compose() fails with
 * ENOBUFS (the reader has stopped reading; the caller decides).
 */
#define IMSG_QUEUE_MAX		(64 * 1024 * 1024)

#define IMSGF_HASFD		0x0001

struct imsg_hdr {
	uint32_t	type;
	uint32_t	len;		/* header included */
	uint32_t	peerid;
	uint32_t	pid;
	uint16_t	flags;
	uint16_t	reserved;	/* zero */
};

#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)

struct imsg {
	struct imsg_hdr	 hdr;
	int		 fd;		/* -1 unless one was passed */
	void		*data;		/* hdr.len - IMSG_HEADER_SIZE bytes */
	size_t		 datalen;
};

struct imsg_out {
	TAILQ_ENTRY(imsg_out)	 entry;
	uint8_t			*buf;
	size_t			 len;
	size_t			 pos;		/* bytes already written */
	int			 fd;		/* to pass, or -1 */
};

struct imsgbuf {
	int			 fd;
	pid_t			 pid;		/* stamped on composed messages */
	size_t			 maxsize;
	uint8_t			*rbuf;
	size_t			 rlen;		/* bytes held */
	size_t			 rcap;
	int			 rfds[IMSG_MAXFDS_QUEUED];
	int			 nrfds;
	TAILQ_HEAD(, imsg_out)	 outq;
	size_t			 outbytes;	/* queued, unwritten */
};

void	imsgbuf_init(struct imsgbuf *, int fd);
void	imsgbuf_set_maxsize(struct imsgbuf *, size_t);
void	imsgbuf_clear(struct imsgbuf *);	/* frees queues, closes fds */

int	imsg_compose(struct imsgbuf *, uint32_t type, uint32_t peerid,
	    uint32_t pid, int fd, const void *data, size_t len);
int	imsg_compose_iov(struct imsgbuf *, uint32_t type, uint32_t peerid,
	    uint32_t pid, int fd, const struct iovec *, int iovcnt);
/* Reads what the socket has: >0 bytes, 0 on EOF, -1 on error (EAGAIN too). */
ssize_t	imsgbuf_read(struct imsgbuf *);
/* Writes what the socket takes: 0 or -1 (EAGAIN means try later). */
int	imsgbuf_write(struct imsgbuf *);
/* Writes everything, waiting for the socket if needed: 0 or -1. */
int	imsgbuf_flush(struct imsgbuf *);
/* Takes one message: 1 got one, 0 need more bytes, -1 malformed (errno). */
int	imsg_get(struct imsgbuf *, struct imsg *);
void	imsg_free(struct imsg *);
size_t	imsgbuf_queued(const struct imsgbuf *);

#endif /* EG_IMSG_H */
