/*
 * cbrt.c - the C library's cube root, for CIELAB, without its call.
 *
 * Every Lab conversion (the skin, wall, clothing and background rules,
 * the crown) takes three cube roots; through libm's cbrt() they cost
 * ~2.7 % of a batch's CPU, a third of it in the frexp() and ldexp() that
 * glibc's generic cbrt calls (Debian 12's libm has no other: no FMA
 * variant). idp__cbrt() is that same function
 * (sysdeps/ieee754/dbl-64/s_cbrt.c): frexp and ldexp done on the
 * exponent bits, which is exact for a positive normal argument and a
 * normal result, then the same polynomial, Newton step and factor, each
 * operation in glibc's order. It is used only after it has given libm's
 * bits on 4,096 arguments across the range Lab needs (and some beyond);
 * with another libm that answers otherwise, libm's cbrt() is called, so
 * results never depend on which way was taken. unit.colour compares the
 * two on a million more.
 */
#include "idp_internal.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#define CBRT2     1.2599210498948731648 /* 2^(1/3) */
#define SQR_CBRT2 1.5874010519681994748 /* 2^(2/3) */

static const double factor[5] = {1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2,
                                 SQR_CBRT2};

/* glibc's __cbrt() for x > 0 normal whose cube root is normal (any
 * x > 0 normal). */
static double cbrt_pos(double x)
{
    uint64_t b;
    double xm, u, t2, ym, scale;
    int xe;
    memcpy(&b, &x, sizeof b);
    /* frexp(): x = xm 2^xe, xm in [0.5, 1) */
    xe = (int)((b >> 52) & 0x7FF) - 1022;
    b = (b & 0x000FFFFFFFFFFFFFu) | 0x3FE0000000000000u;
    memcpy(&xm, &b, sizeof xm);
    u = (0.354895765043919860 +
         ((1.50819193781584896 +
           ((-2.11499494167371287 +
             ((2.44693122563534430 +
               ((-1.83469277483613086 +
                 (0.784932344976639262 - 0.145263899385486377 * xm) * xm) *
                xm)) *
              xm)) *
            xm)) *
          xm));
    t2 = u * u * u;
    ym = u * (t2 + 2.0 * xm) / (2.0 * t2 + xm) * factor[2 + xe % 3];
    /* ldexp(ym, xe / 3): ym is near 1, the result normal */
    b = (uint64_t)(1023 + xe / 3) << 52;
    memcpy(&scale, &b, sizeof scale);
    return ym * scale;
}

static pthread_once_t same_once = PTHREAD_ONCE_INIT;
/* 0 until same_check() has run; then 2 if cbrt_pos() gives libm's bits,
 * else 1 */
static atomic_int known = 0;

/* 4,096 arguments: 0.001 to 64 on a geometric ladder, their last bits
 * stirred. */
static void same_check(void)
{
    uint64_t mix = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 4096; i++) {
        double x = 0.001 * pow(64000.0, i / 4095.0), a, b;
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        mix = mix * 6364136223846793005u + 1442695040888963407u;
        bits ^= mix >> 40;
        memcpy(&x, &bits, sizeof x);
        a = cbrt_pos(x);
        b = cbrt(x);
        if (memcmp(&a, &b, sizeof a) != 0) {
            atomic_store_explicit(&known, 1, memory_order_relaxed);
            return;
        }
    }
    atomic_store_explicit(&known, 2, memory_order_relaxed);
}

int idp__cbrt_inline(void)
{
    if (atomic_load_explicit(&known, memory_order_relaxed) == 0)
        pthread_once(&same_once, same_check);
    return atomic_load_explicit(&known, memory_order_relaxed) == 2;
}

double idp__cbrt(double x)
{
    if (x >= DBL_MIN && x <= DBL_MAX && idp__cbrt_inline())
        return cbrt_pos(x);
    return cbrt(x);
}
