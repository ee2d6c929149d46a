/* Status codes and the guard macro. Internal functions return 0 or a negative CTLS_ERR_*. */
#ifndef CTLS_CORE_ERR_H
#define CTLS_CORE_ERR_H

#include <ctls/ctls.h>

/* Propagate a negative status: no hidden jumps, just an early return. */
#define CTLS_GUARD(expr)                                                                           \
    do {                                                                                           \
        int ctls_guard_rc_ = (expr);                                                               \
        if (ctls_guard_rc_ < 0) return ctls_guard_rc_;                                             \
    } while (0)

/* Return err when cond is false. */
#define CTLS_ENSURE(cond, err)                                                                     \
    do {                                                                                           \
        if (!(cond)) return (err);                                                                 \
    } while (0)

#if defined(__GNUC__)
#define CTLS_MUST_USE __attribute__((warn_unused_result))
#else
#define CTLS_MUST_USE
#endif

/* The alert description (RFC 8446 6.2) a fatal status is reported to the peer with. */
int ctls_err_to_alert(int err);
/* The status a received fatal alert description maps to (CTLS_ERR_ALERT_RECEIVED mostly). */
int ctls_alert_to_err(int alert);

#endif
