// iostreams: formatting manipulators, stringstream parsing, reading stdin line by line with
// std::getline (binary bytes included), std::cerr, and a non-zero exit status.
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>

int main(int argc, char **argv) {
  std::cout << "argc=" << argc << " argv[1]=" << (argc > 1 ? argv[1] : "") << '\n';
  std::cout << std::setw(10) << 42 << '|' << std::left << std::setw(10) << "left" << '|' << std::right << '\n';
  std::cout << std::hex << std::showbase << 255 << ' ' << std::oct << 8 << std::dec << std::noshowbase << '\n';
  std::cout << std::setfill('*') << std::setw(8) << -17 << std::setfill(' ') << '\n';
  const double vals[] = {0.0, -0.0, 1.0 / 3, 2.0 / 3, 1e-300, 1e300, 123456789.125, 6.02214076e23,
                         std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                         std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()};
  for (double d : vals) {
    std::cout << d << " | " << std::fixed << std::setprecision(3) << d << " | " << std::scientific
              << std::setprecision(10) << d << " | " << std::hexfloat << d << std::defaultfloat
              << std::setprecision(17) << " | " << d << std::setprecision(6) << '\n';
  }
  long double ld = 1.0L / 3;
  std::cout << std::setprecision(21) << ld << ' ' << (long double)3.14159265358979323846264L << std::setprecision(6) << '\n';
  std::cout << std::boolalpha << true << ' ' << false << std::noboolalpha << '\n';
  std::cout << std::numeric_limits<long long>::min() << ' ' << std::numeric_limits<unsigned long long>::max() << '\n';

  std::istringstream in("12 -7 3.5 word 0x1f 077 1e3");
  int a, b;
  double c;
  std::string w;
  in >> a >> b >> c >> w;
  int h, o;
  in >> std::hex >> h >> std::oct >> o >> std::dec;
  double e;
  in >> e;
  std::cout << a + b << ' ' << c * 2 << ' ' << w << ' ' << h << ' ' << o << ' ' << e << '\n';
  std::ostringstream os;
  os << "joined:" << std::setw(5) << 7 << ':' << 2.5f;
  std::cout << os.str() << " (" << os.str().size() << ")\n";

  std::string line;
  int n = 0;
  size_t bytes = 0;
  while (std::getline(std::cin, line)) {
    n++;
    bytes += line.size();
    std::cout << "line " << n << " len " << line.size() << ": ";
    for (unsigned char ch : line) {
      if (ch >= 32 && ch < 127) std::cout << ch;
      else std::cout << "\\x" << std::hex << std::setw(2) << std::setfill('0') << (int)ch << std::dec << std::setfill(' ');
    }
    std::cout << '\n';
  }
  std::cout << n << " lines, " << bytes << " bytes, eof " << std::cin.eof() << '\n';
  std::cerr << "warning: " << n << " lines read" << std::endl;
  std::clog << "clog goes to stderr too\n";
  return n == 0 ? 0 : 5;
}
