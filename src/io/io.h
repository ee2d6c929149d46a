/* Transports: move bytes between the connection's buffers and the outside. */
#ifndef CTLS_IO_IO_H
#define CTLS_IO_IO_H

#include "api/internal.h"

int io_time_left(const ctls_conn *c);
size_t io_read_size(const ctls_conn *c);
int fd_flush(ctls_conn *c);
int fd_fill(ctls_conn *c);
int cb_flush(ctls_conn *c);
int cb_fill(ctls_conn *c);

#endif
