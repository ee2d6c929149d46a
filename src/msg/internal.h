/* Helpers shared by the message codecs (src/msg only). */
#ifndef CTLS_MSG_INTERNAL_H
#define CTLS_MSG_INTERNAL_H

#include "core/bytes.h"
#include "ext/ext.h"
#include "msg/msg.h"

/* Where a message started in the writer, to take it back when encoding fails. */
typedef struct {
    size_t len;
    int depth;
} msg_mark;

/* Write the handshake header (type, open u24 length). */
int msg_begin(ctls_writer *w, uint8_t type, msg_mark *mark);
/* Close the message when rc == 0; on failure remove what was written (when the writer has no
 * sticky error of its own) so an invalid struct never leaves half a message behind. */
int msg_end(ctls_writer *w, const msg_mark *mark, int rc);

/* A u16 list content: even, non-empty. */
static inline int msg_check_u16_list(ctls_slice s)
{
    return s.len >= 2 && s.len % 2 == 0 ? 0 : CTLS_ERR_DECODE;
}

#endif
