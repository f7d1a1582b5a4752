// C++ exceptions: throw/catch across frames, custom types, rethrow, nested exceptions, RAII
// destructor order during unwinding, standard library exceptions, and finally an uncaught
// exception (std::terminate → abort, exit status 134 with libstdc++'s message on stderr).
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct Noisy {
  std::string name;
  explicit Noisy(std::string n) : name(std::move(n)) { std::cout << "  ctor " << name << '\n'; }
  ~Noisy() { std::cout << "  dtor " << name << '\n'; }
};

struct MyError : std::runtime_error {
  int code;
  MyError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};

static int depth_thrower(int n) {
  Noisy guard("level" + std::to_string(n));
  if (n == 0) throw MyError("bottom reached", 42);
  return depth_thrower(n - 1) + 1;
}

static void nested() {
  try {
    throw std::invalid_argument("inner");
  } catch (...) {
    std::throw_with_nested(std::runtime_error("outer"));
  }
}

static void print_nested(const std::exception &e, int level) {
  std::cout << std::string(level * 2, ' ') << "exception: " << e.what() << '\n';
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception &inner) {
    print_nested(inner, level + 1);
  }
}

int main() {
  try {
    depth_thrower(3);
  } catch (const MyError &e) {
    std::cout << "caught MyError '" << e.what() << "' code " << e.code << '\n';
  }
  std::vector<int> v(3);
  try {
    v.at(10) = 1;
  } catch (const std::out_of_range &e) {
    std::cout << "out_of_range caught\n";
  }
  try {
    std::map<int, int> m;
    (void)m.at(5);
  } catch (const std::exception &e) {
    std::cout << "map.at: " << typeid(e).name() << '\n';
  }
  try {
    nested();
  } catch (const std::exception &e) {
    print_nested(e, 0);
  }
  int count = 0;
  for (int i = 0; i < 1000; i++) {
    try {
      if (i % 3 == 0) throw i;
      if (i % 3 == 1) throw std::string("s") + std::to_string(i);
      throw 1.5 * i;
    } catch (int k) { count += k % 7; }
    catch (const std::string &s) { count += (int)s.size(); }
    catch (double d) { count += (int)d % 5; }
  }
  std::cout << "count " << count << '\n';
  try {
    try {
      throw std::logic_error("first");
    } catch (std::exception &) {
      std::cout << "rethrowing\n";
      throw;
    }
  } catch (const std::logic_error &e) {
    std::cout << "rethrown " << e.what() << '\n';
  }
  std::exception_ptr p;
  try { throw std::overflow_error("stored"); } catch (...) { p = std::current_exception(); }
  try { std::rethrow_exception(p); } catch (const std::exception &e) { std::cout << "from ptr: " << e.what() << '\n'; }
  try {
    auto big = std::make_unique<std::vector<char>>();
    big->resize(1);
    throw std::bad_alloc();
  } catch (const std::bad_alloc &e) { std::cout << "bad_alloc: " << e.what() << '\n'; }
  std::cout.flush();
  Noisy last("never destroyed");
  throw std::runtime_error("fatal: not caught");
}
