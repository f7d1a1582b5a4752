// Numbers: 128-bit integers, long double, <cmath> basics, std::complex, <random> engines with fixed
// seeds, std::bitset, integer overflow helpers and std::to_chars/from_chars.
#include <bitset>
#include <charconv>
#include <cmath>
#include <complex>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>

static std::string u128str(unsigned __int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v) { s.insert(s.begin(), char('0' + (int)(v % 10))); v /= 10; }
  return s;
}

int main() {
  unsigned __int128 f = 1;
  for (int i = 1; i <= 34; i++) f *= i;
  std::cout << "34! = " << u128str(f) << '\n';
  __int128 sn = -(__int128)f / 7;
  std::cout << "-34!/7 mod 1e9 = " << (long long)(sn % 1000000000) << '\n';
  unsigned __int128 a = ((unsigned __int128)0xfedcba9876543210ULL << 64) | 0x0123456789abcdefULL;
  std::cout << u128str(a / 0x1234567) << ' ' << u128str(a % 0x1234567) << ' ' << u128str(a >> 77) << '\n';

  long double x = 2.0L;
  std::cout << std::setprecision(20) << std::sqrt(x) << ' ' << x / 3 << ' ' << std::fma(x, x, 1.0L / 7) << '\n';
  std::cout << std::setprecision(17) << std::sqrt(2.0) << ' ' << std::floor(-2.5) << ' ' << std::round(2.5)
            << ' ' << std::trunc(-7.9) << ' ' << std::fmod(10.5, 3.0) << ' ' << std::hypot(3.0, 4.0) << '\n';
  std::cout << std::ldexp(1.0, -1074) << ' ' << std::frexp(48.0, &(int &)*new int(0)) << ' ' << std::nextafter(1.0, 2.0) << '\n';

  std::complex<double> z(1.5, -2.0), w(0.25, 0.75);
  std::cout << z * w << ' ' << z / w << ' ' << std::abs(z) << ' ' << std::conj(z) << '\n';

  std::mt19937 gen(2024);
  std::mt19937_64 gen64(7);
  std::uniform_int_distribution<int> dice(1, 6);
  int counts[7] = {};
  for (int i = 0; i < 6000; i++) counts[dice(gen)]++;
  for (int k = 1; k <= 6; k++) std::cout << counts[k] << ' ';
  std::cout << gen64() << ' ' << gen() << '\n';
  std::minstd_rand lcg(1);
  std::cout << lcg() << ' ' << lcg() << '\n';

  std::bitset<64> bits(0xF0F0F0F0AAAA5555ULL);
  std::cout << bits.count() << ' ' << (bits << 3).to_string().substr(0, 16) << ' ' << bits[63] << '\n';

  long long r;
  std::cout << "overflow " << __builtin_mul_overflow(0x7fffffffffffffffLL, 2LL, &r) << ' '
            << __builtin_add_overflow(1LL, 2LL, &r) << ' ' << r << '\n';
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, 123456789012345LL, 36);
  *res.ptr = 0;
  std::cout << buf << ' ';
  long long back = 0;
  std::from_chars(buf, res.ptr, back, 36);
  std::cout << back << '\n';
  unsigned long long h = 1469598103934665603ULL;
  for (int i = 0; i < 100000; i++) h = (h ^ (unsigned)i) * 1099511628211ULL;
  std::cout << "fnv " << std::hex << h << std::dec << '\n';
  return 0;
}
