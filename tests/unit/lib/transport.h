/* Test helpers: one ctls_conn attached to one end of a socketpair through any of the four
 * transports (sans-I/O memory, blocking fd, O_NONBLOCK fd, push/pull callbacks), and a driver
 * that calls ctls_handshake / ctls_read / ctls_write / ctls_shutdown again after every
 * non-fatal status the way an application would (poll, feed, output), counting the statuses and
 * checking that ctls_direction matches each CTLS_WANT_*. The peer usually runs in a thread
 * (one ctls_conn per thread), so the checks below are thread-safe. */
#ifndef CTLS_TEST_TRANSPORT_H
#define CTLS_TEST_TRANSPORT_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include <ctls/ctls.h>

enum { TT_MEMORY = 0, TT_FD_BLOCKING, TT_FD_NONBLOCK, TT_CALLBACKS, TT_KINDS };
const char *tt_kind_name(int kind);

typedef struct tt_end {
    int kind;
    int fd; /* this end of the socketpair (-1 when closed) */
    ctls_conn *conn;
    /* shaping: memory (bytes fed / sent per move) and callbacks (bytes per push / pull) */
    size_t chunk;         /* 0 = unlimited */
    int alternate_eagain; /* callbacks: every other push and every other pull gives EAGAIN */
    int eintr_pulls;      /* callbacks: this many next pulls give -1 / EINTR */
    int eintr_pushes;     /* callbacks: this many next pushes give -1 / EINTR */
    long push_budget;     /* callbacks: bytes push may still take (-1 = unlimited) */
    int nb_pull_timeout;  /* callbacks: pull_timeout answers -1 / EAGAIN when nothing is there */
    unsigned limit_ms;    /* bound on one tt_call (default 10000) */
    int expect_hs_state;  /* tt_call(TT_HANDSHAKE) checks ctls_state == HANDSHAKE in between */
    /* counters (since tt_attach) */
    unsigned want_read, want_write, interrupted;
    unsigned dir_mismatch;    /* ctls_direction != the CTLS_WANT_* just returned */
    unsigned state_mismatch;  /* ctls_state != CTLS_STATE_HANDSHAKE between handshake calls */
    unsigned pulls, pushes;   /* callback invocations */
    unsigned long long moved; /* bytes moved by push */
    /* memory: bytes taken from the socket, not yet fed */
    unsigned char pend[8192];
    size_t pend_off, pend_len;
    int pend_eof, eof_fed;
    int flip_push, flip_pull;
} tt_end;

/* An AF_UNIX stream socketpair (both ends blocking). 0 or -1. */
int tt_socketpair(int sv[2]);
/* Attach conn to fd with the given transport kind (sets O_NONBLOCK as the kind needs; the
 * blocking kinds get a 10 s SO_RCVTIMEO / SO_SNDTIMEO so a bug cannot hang a test). */
int tt_attach(tt_end *e, int kind, ctls_conn *conn, int fd);
/* Close the socket (half-close for writing when how_wr is set). */
void tt_close(tt_end *e, int how_wr);

enum { TT_HANDSHAKE, TT_READ, TT_WRITE, TT_SHUTDOWN };
#define TT_STUCK (-9999) /* tt_call gave up: limit_ms passed without a final status */

/* Calls op until it returns something other than CTLS_WANT_READ / CTLS_WANT_WRITE /
 * CTLS_INTERRUPTED, servicing the transport in between; returns that. */
long tt_call(tt_end *e, int op, void *buf, size_t len);
/* Service the transport once after a status rc (memory: push output, feed input waiting up
 * to ms; fd / callbacks: poll up to ms for the direction rc names). */
void tt_service(tt_end *e, long rc, int ms);
/* Memory: push all pending output to the socket. */
void tt_flush(tt_end *e);
/* Writes all len bytes with tt_call (several ctls_write calls); returns len or the status. */
long tt_write_all(tt_end *e, const void *buf, size_t len);
/* Reads exactly n bytes with reads of at most max bytes; returns n or the status. Sets
 * *short_reads (optional) to the number of reads that returned less than asked. */
long tt_read_exact(tt_end *e, void *buf, size_t n, size_t max, unsigned *short_reads);

/* Thread-safe checks (the peer runs in a thread). Arguments are evaluated outside the lock. */
void tt_check_fail(const char *file, int line, const char *what, long long a, long long b);
#define TT_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) tt_check_fail(__FILE__, __LINE__, #cond, 0, 0);                               \
    } while (0)
#define TT_CHECK_EQ(a, b)                                                                          \
    do {                                                                                           \
        long long tt_a_ = (long long)(a), tt_b_ = (long long)(b);                                  \
        if (tt_a_ != tt_b_) tt_check_fail(__FILE__, __LINE__, #a " == " #b, tt_a_, tt_b_);         \
    } while (0)
/* The name of the test running (set by the main thread, read by the peer's messages). */
void tt_set_label(const char *label);

/* Run fn(arg) in a new thread. */
typedef struct {
    pthread_t th;
    void (*fn)(void *);
    void *arg;
} tt_thread;
int tt_spawn(tt_thread *t, void (*fn)(void *), void *arg);
void tt_join(tt_thread *t);

/* Monotonic milliseconds. */
long long tt_now_ms(void);

#endif
