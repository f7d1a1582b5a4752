/* Bit manipulation: rotates, byte swaps, masks, bitfields (signed and unsigned, packed),
 * bit reversal, sign/zero extension of every width. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

struct bf {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    signed d : 13;
    unsigned long long e : 40;
    signed long long f : 23;
    unsigned g : 1;
    signed h : 1;
};

struct __attribute__((packed)) pk {
    uint8_t x;
    uint32_t y;
    uint16_t z;
    uint64_t w;
};

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }
static inline uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }
static inline uint8_t rotl8(uint8_t x, unsigned r) { r &= 7; return (uint8_t)((x << r) | (x >> ((8 - r) & 7))); }

static uint32_t rev32(uint32_t x) {
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) { r = (r << 1) | (x & 1); x >>= 1; }
    return r;
}

int main(void) {
    uint64_t x = 0x0123456789abcdefULL, acc = 0;
    for (unsigned r = 0; r < 64; r++) {
        acc = acc * 33 ^ rotl64(x, r);
        acc = acc * 33 ^ rotr32((uint32_t)x, r);
        acc = acc * 33 ^ rotl8((uint8_t)(x >> r), r);
        if (r % 16 == 0)
            printf("r=%2u rotl64=%016llx rotr32=%08x\n", r, (unsigned long long)rotl64(x, r), rotr32((uint32_t)x, r));
    }
    printf("rot checksum %016llx\n", (unsigned long long)acc);
    printf("bswap %016llx %08x %04x\n", (unsigned long long)__builtin_bswap64(x), __builtin_bswap32((uint32_t)x),
           __builtin_bswap16((uint16_t)x));
    printf("rev32 %08x\n", rev32(0x12345678));

    /* sign / zero extension */
    volatile uint64_t pat[] = {0x80, 0x7f, 0xff80, 0x7fff, 0x80000000, 0xffffffff, 0xfedcba9876543210ULL};
    for (unsigned i = 0; i < sizeof pat / sizeof pat[0]; i++) {
        uint64_t p = pat[i];
        printf("ext %016llx: s8 %lld u8 %llu s16 %lld u16 %llu s32 %lld u32 %llu\n", (unsigned long long)p,
               (long long)(int8_t)p, (unsigned long long)(uint8_t)p, (long long)(int16_t)p,
               (unsigned long long)(uint16_t)p, (long long)(int32_t)p, (unsigned long long)(uint32_t)p);
    }

    /* bitfields */
    struct bf b;
    memset(&b, 0, sizeof b);
    uint64_t s = 1;
    uint64_t bfacc = 0;
    for (int i = 0; i < 500; i++) {
        s = s * 6364136223846793005ULL + 1;
        b.a = (unsigned)(s >> 10);
        b.b = (int)(s >> 20);
        b.c += (unsigned)(s >> 30);
        b.d -= (int)(s >> 40);
        b.e ^= s;
        b.f = (long long)(s >> 3) - 1000000;
        b.g = !b.g;
        b.h = (int)(s >> 63);
        bfacc = bfacc * 31 + b.a + (uint64_t)(int64_t)b.b + b.c + (uint64_t)(int64_t)b.d + b.e +
                (uint64_t)(int64_t)b.f + b.g + (uint64_t)(int64_t)b.h;
        if (i < 4)
            printf("bf a=%u b=%d c=%u d=%d e=%llu f=%lld g=%u h=%d\n", b.a, b.b, b.c, b.d, (unsigned long long)b.e,
                   (long long)b.f, b.g, b.h);
    }
    printf("bitfield checksum %016llx sizeof %zu\n", (unsigned long long)bfacc, sizeof(struct bf));

    /* packed struct unaligned access */
    struct pk arr[5];
    memset(arr, 0, sizeof arr);
    for (int i = 0; i < 5; i++) {
        arr[i].x = (uint8_t)(i * 37);
        arr[i].y = 0x01020304u * (uint32_t)(i + 1);
        arr[i].z = (uint16_t)(0xbeef + i);
        arr[i].w = 0x1122334455667788ULL * (uint64_t)(i + 3);
    }
    const unsigned char *raw = (const unsigned char *)arr;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof arr; i++) h = (h ^ raw[i]) * 16777619u;
    printf("packed sizeof %zu fnv %08x y3 %08x w4 %016llx\n", sizeof(struct pk), h, arr[3].y,
           (unsigned long long)arr[4].w);

    /* masks, bit tricks */
    uint64_t t = 0;
    for (uint64_t v = 1; v < 5000; v += 7) {
        uint64_t lowbit = v & -v;
        uint64_t clear = v & (v - 1);
        uint64_t npow2 = v - 1;
        npow2 |= npow2 >> 1; npow2 |= npow2 >> 2; npow2 |= npow2 >> 4;
        npow2 |= npow2 >> 8; npow2 |= npow2 >> 16; npow2 |= npow2 >> 32; npow2++;
        t = t * 7 + lowbit + clear * 3 + npow2 + (~v & 0xffff) + (v ^ (v >> 1));
    }
    printf("tricks %016llx\n", (unsigned long long)t);
    return 0;
}
