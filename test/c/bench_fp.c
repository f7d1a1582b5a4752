/*
 * Floating-point benchmark (bench/fp.ts), also part of the corpus: SSE2 double arithmetic
 * (matrix multiply, Newton iterations, a small n-body step, sqrt/division, int<->double
 * conversions) and x87 long double arithmetic (a long double series and a matrix product).
 * Only basic operations (+ - * / sqrt), whose results are exactly defined by IEEE 754.
 *
 *   bench_fp [iterations]     (default 3; a non-numeric argument also means 3)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define N 24

static double A[N][N], B[N][N], C[N][N];
static long double LA[12][12], LB[12][12], LC[12][12];

static void matmul(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < N; k++) s += A[i][k] * B[k][j];
      C[i][j] = s;
    }
}

static void lmatmul(void) {
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 12; j++) {
      long double s = 0;
      for (int k = 0; k < 12; k++) s += LA[i][k] * LB[k][j];
      LC[i][j] = s;
    }
}

struct body { double x, y, z, vx, vy, vz, m; };

static void nbody_step(struct body *b, int n, double dt) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      double d2 = dx * dx + dy * dy + dz * dz + 1e-9;
      double mag = dt / (d2 * sqrt(d2));
      b[i].vx -= dx * b[j].m * mag; b[i].vy -= dy * b[j].m * mag; b[i].vz -= dz * b[j].m * mag;
      b[j].vx += dx * b[i].m * mag; b[j].vy += dy * b[i].m * mag; b[j].vz += dz * b[i].m * mag;
    }
  for (int i = 0; i < n; i++) { b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz; }
}

int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 0;
  if (iters <= 0) iters = 3;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { A[i][j] = (i * 7 + j * 3) % 11 / 7.0 - 0.5; B[i][j] = (i + 2 * j) % 5 / 3.0 + 0.25; }
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 12; j++) { LA[i][j] = (i * 5 + j) % 9 / 7.0L - 0.5L; LB[i][j] = (i + 3 * j) % 7 / 3.0L + 0.125L; }
  struct body bodies[5] = {
      {0, 0, 0, 0, 0, 0, 39.47}, {4.84, -1.16, -0.10, 0.60, 2.81, -0.02, 0.037},
      {8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011}, {12.89, -15.11, -0.22, 1.08, 0.86, -0.01, 0.0017},
      {15.37, -25.91, 0.17, 0.97, 0.59, -0.03, 0.002}};
  double newton = 0, trace = 0, conv = 0;
  long double series = 0, ltrace = 0;
  for (int it = 0; it < iters; it++) {
    matmul();
    for (int i = 0; i < N; i++) { trace += C[i][i]; A[i][(i + it) % N] += 1e-3; }
    for (int k = 1; k <= 2000; k++) {
      double x = k;  /* sqrt by Newton, compared with the instruction */
      double r = x;
      for (int s = 0; s < 6; s++) r = 0.5 * (r + x / r);
      newton += r - sqrt(x);
      conv += (double)(long long)(x * 1.37) / 3.0 + (float)(x / 7.0);
    }
    for (int s = 0; s < 200; s++) nbody_step(bodies, 5, 0.01);
    for (int k = 1; k <= 3000; k++) series += 1.0L / ((long double)k * k) - 0.5L / ((long double)k * (k + 1));
    lmatmul();
    for (int i = 0; i < 12; i++) { ltrace += LC[i][i]; LA[i][(i + it) % 12] *= 1.0009765625L; }
  }
  printf("trace %.17g newton %.17g conv %.17g\n", trace, newton, conv);
  printf("body0 %.15g %.15g %.15g\n", bodies[0].x, bodies[0].y, bodies[0].z);
  printf("body1 %.15g %.15g %.15g\n", bodies[1].x, bodies[1].y, bodies[1].z);
  printf("series %.21Lg ltrace %.21Lg\n", series, ltrace);
  return 0;
}
