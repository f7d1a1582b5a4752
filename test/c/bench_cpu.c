/* CPU-bound benchmark: SHA-256 over a buffer, a sieve of Eratosthenes and a fixed-size integer
 * and floating-point matrix multiply, repeated N times (argv[1], default 1). Prints checksums
 * that depend on N. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[i] + w[i];
        uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256(const unsigned char *msg, size_t len, unsigned char out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t i = 0;
    for (; i + 64 <= len; i += 64) sha256_block(h, msg + i);
    unsigned char tail[128];
    size_t rem = len - i;
    memcpy(tail, msg + i, rem);
    tail[rem] = 0x80;
    size_t tl = rem + 1 + 8 <= 64 ? 64 : 128;
    memset(tail + rem + 1, 0, tl - rem - 1);
    uint64_t bits = (uint64_t)len * 8;
    for (int k = 0; k < 8; k++) tail[tl - 1 - k] = (unsigned char)(bits >> (8 * k));
    for (size_t k = 0; k < tl; k += 64) sha256_block(h, tail + k);
    for (int k = 0; k < 8; k++) {
        out[4 * k] = (unsigned char)(h[k] >> 24); out[4 * k + 1] = (unsigned char)(h[k] >> 16);
        out[4 * k + 2] = (unsigned char)(h[k] >> 8); out[4 * k + 3] = (unsigned char)h[k];
    }
}

#define SIEVE 50000
#define MN 24
static unsigned char composite[SIEVE + 1];
static uint32_t ma[MN][MN], mb[MN][MN], mc[MN][MN];
static double da[MN][MN], db[MN][MN], dc[MN][MN];
static unsigned char data[8192];

int main(int argc, char **argv) {
    long iters = argc > 1 ? atol(argv[1]) : 1;
    if (iters < 1) iters = 1;
    unsigned char digest[32] = {0};
    sha256((const unsigned char *)"abc", 3, digest);
    printf("selftest %s\n", digest[0] == 0xba && digest[1] == 0x78 && digest[31] == 0xad ? "ok" : "FAILED");
    memset(digest, 0, sizeof digest);
    for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 131 + 7);
    uint64_t primesum = 0, msum = 0;
    double dsum = 0;
    for (long it = 0; it < iters; it++) {
        /* sha256: chain the digest into the data */
        memcpy(data, digest, 32);
        sha256(data, sizeof data, digest);
        /* sieve */
        memset(composite, 0, sizeof composite);
        uint32_t count = 0;
        for (uint32_t i = 2; i <= SIEVE; i++) {
            if (composite[i]) continue;
            count++;
            primesum += i * (uint64_t)(it + 1);
            for (uint32_t j = i * i; j <= SIEVE && i < 65536; j += i) composite[j] = 1;
        }
        primesum += count;
        /* matrices */
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) {
                ma[i][j] = (uint32_t)(i * 31 + j * 17 + it + digest[(i + j) & 31]);
                mb[i][j] = (uint32_t)(i * 7 + j * 3 + 1);
                da[i][j] = (double)ma[i][j] / 64.0;
                db[i][j] = 1.0 / (double)(mb[i][j]);
            }
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) {
                uint32_t s = 0;
                double ds = 0;
                for (int k = 0; k < MN; k++) { s += ma[i][k] * mb[k][j]; ds += da[i][k] * db[k][j]; }
                mc[i][j] = s;
                dc[i][j] = ds;
            }
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++) { msum = msum * 31 + mc[i][j]; dsum += dc[i][j]; }
    }
    printf("iterations %ld\nsha256 ", iters);
    for (int i = 0; i < 32; i++) printf("%02x", digest[i]);
    printf("\nprimes %llu\nmatrix %016llx\nfmatrix %.17g\n", (unsigned long long)primesum, (unsigned long long)msum, dsum);
    return 0;
}
