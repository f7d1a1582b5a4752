/* 64-bit and 32-bit multiply/divide/modulo by constants (gcc emits multiply-by-magic-number
 * sequences at -O2 and real div instructions at -O0), signed and unsigned. */
#include <stdio.h>
#include <stdint.h>

#define UDIVS(T, x, acc) do { T v_ = (T)(x); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 3) + (uint64_t)(v_ % 3); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 7) + (uint64_t)(v_ % 7); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 10) + (uint64_t)(v_ % 10); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 60) + (uint64_t)(v_ % 60); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 641) + (uint64_t)(v_ % 641); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 1000) + (uint64_t)(v_ % 1000); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 1000000007) + (uint64_t)(v_ % 1000000007); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 16) + (uint64_t)(v_ % 16); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 25) * 3 + (uint64_t)(v_ * 25); \
    acc = acc * 1099511628211ULL + (uint64_t)(v_ / 127) + (uint64_t)(v_ % 255); \
} while (0)

#define SDIVS(T, x, acc) do { T v_ = (T)(x); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / 3) + (uint64_t)(int64_t)(v_ % 3); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / -7) + (uint64_t)(int64_t)(v_ % -7); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / 10) + (uint64_t)(int64_t)(v_ % 10); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / 8) + (uint64_t)(int64_t)(v_ % 8); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / 1000) + (uint64_t)(int64_t)(v_ % 1000); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / 86400) + (uint64_t)(int64_t)(v_ % 86400); \
    acc = acc * 1099511628211ULL + (uint64_t)(int64_t)(v_ / 1000003) + (uint64_t)(int64_t)v_ * (uint64_t)(int64_t)-1000003; \
} while (0)

static uint64_t next(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s;
}

int main(void) {
    uint64_t s = 42, a64 = 0, a32 = 0, s64 = 0, s32 = 0, s16 = 0;
    static const uint64_t special[] = {0, 1, 2, 3, 9, 10, 59, 60, 61, 999, 1000, 1001, 0x7fffffffULL,
        0x80000000ULL, 0xffffffffULL, 0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
        0xffffffffffffffffULL, 0xfffffffffffffffeULL, 1000000006, 1000000007, 1000000008};
    for (unsigned i = 0; i < sizeof special / sizeof special[0]; i++) {
        uint64_t v = special[i];
        printf("%llu: /3=%llu /7=%llu /10=%llu %%10=%llu /1000=%llu; s: /-7=%lld %%-7=%lld /86400=%lld\n",
               (unsigned long long)v, (unsigned long long)(v / 3), (unsigned long long)(v / 7),
               (unsigned long long)(v / 10), (unsigned long long)(v % 10), (unsigned long long)(v / 1000),
               (long long)((int64_t)v / -7), (long long)((int64_t)v % -7), (long long)((int64_t)v / 86400));
        UDIVS(uint64_t, v, a64);
        UDIVS(uint32_t, v, a32);
        SDIVS(int64_t, v, s64);
        SDIVS(int32_t, v, s32);
    }
    for (int i = 0; i < 3000; i++) {
        uint64_t v = next(&s);
        if (i & 1) v >>= (i % 61);
        UDIVS(uint64_t, v, a64);
        UDIVS(uint32_t, v, a32);
        SDIVS(int64_t, v, s64);
        SDIVS(int32_t, v, s32);
        SDIVS(int16_t, v, s16);
    }
    printf("u64 %016llx\nu32 %016llx\ns64 %016llx\ns32 %016llx\ns16 %016llx\n", (unsigned long long)a64,
           (unsigned long long)a32, (unsigned long long)s64, (unsigned long long)s32, (unsigned long long)s16);
    return 0;
}
