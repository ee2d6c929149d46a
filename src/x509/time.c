/* X.509 validity times (RFC 5280 4.1.2.5). */
#include "x509/der.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
int64_t ctls_x509_timegm(int year, int mon, int day, int hour, int min, int sec)
{
    int64_t y = year - (mon <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (mon + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + hour * 3600 + min * 60 + sec;
}

static int digits(const uint8_t *p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        CTLS_ENSURE(p[i] >= '0' && p[i] <= '9', CTLS_ERR_DECODE);
        x = x * 10 + (p[i] - '0');
    }
    *v = x;
    return 0;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int der_time(der_rd *d, int64_t *t)
{
    uint8_t tag;
    ctls_slice c;
    CTLS_GUARD(der_any(d, &tag, &c, NULL));
    int year, mon, day, hour, min, sec;
    const uint8_t *p = c.p;
    if (tag == DER_UTC_TIME) {
        /* RFC 5280 4.1.2.5.1: YYMMDDHHMMSSZ, seconds present, Zulu */
        CTLS_ENSURE(c.len == 13 && p[12] == 'Z', CTLS_ERR_DECODE);
        CTLS_GUARD(digits(p, 2, &year));
        year += year >= 50 ? 1900 : 2000;
        p += 2;
    } else if (tag == DER_GENERALIZED_TIME) {
        /* RFC 5280 4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds */
        CTLS_ENSURE(c.len == 15 && p[14] == 'Z', CTLS_ERR_DECODE);
        CTLS_GUARD(digits(p, 4, &year));
        p += 4;
    } else {
        return CTLS_ERR_DECODE;
    }
    CTLS_GUARD(digits(p, 2, &mon));
    CTLS_GUARD(digits(p + 2, 2, &day));
    CTLS_GUARD(digits(p + 4, 2, &hour));
    CTLS_GUARD(digits(p + 6, 2, &min));
    CTLS_GUARD(digits(p + 8, 2, &sec));
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    CTLS_ENSURE(mon >= 1 && mon <= 12, CTLS_ERR_DECODE);
    int dim = mdays[mon - 1] + (mon == 2 && is_leap(year));
    CTLS_ENSURE(day >= 1 && day <= dim, CTLS_ERR_DECODE);
    CTLS_ENSURE(hour <= 23 && min <= 59 && sec <= 59, CTLS_ERR_DECODE);
    *t = ctls_x509_timegm(year, mon, day, hour, min, sec);
    return 0;
}
