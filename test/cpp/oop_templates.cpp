// Classes, virtual dispatch, templates, lambdas, std::function, smart pointers, variant/optional,
// and static initialisation order.
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const { return "shape"; }
};
struct Rect : Shape {
  double w, h;
  Rect(double w_, double h_) : w(w_), h(h_) {}
  double area() const override { return w * h; }
  std::string name() const override { return "rect"; }
};
struct Circle : Shape {
  double r;
  explicit Circle(double r_) : r(r_) {}
  double area() const override { return 3.141592653589793 * r * r; }
  std::string name() const override { return "circle"; }
};
struct Square final : Rect {
  explicit Square(double s) : Rect(s, s) {}
  std::string name() const override { return "square"; }
};

template <typename T, int N>
struct Matrix {
  T a[N][N]{};
  Matrix operator*(const Matrix &o) const {
    Matrix r;
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        for (int k = 0; k < N; k++) r.a[i][j] += a[i][k] * o.a[k][j];
    return r;
  }
};

template <typename... Ts>
auto sum(Ts... xs) { return (xs + ... + 0); }

template <typename T>
T gcd(T a, T b) { return b == 0 ? a : gcd(b, a % b); }

struct Counter {
  static int live;
  int id;
  Counter() : id(++live) {}
  ~Counter() { --live; }
};
int Counter::live = 0;

static std::string describe(const std::variant<int, double, std::string> &v) {
  return std::visit([](auto &&x) -> std::string {
    using T = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<T, int>) return "int " + std::to_string(x);
    else if constexpr (std::is_same_v<T, double>) return "double " + std::to_string(x);
    else return "string " + x;
  }, v);
}

static std::optional<int> parse(const std::string &s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(s);
}

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Rect>(2, 3.5));
  shapes.push_back(std::make_unique<Circle>(1.25));
  shapes.push_back(std::make_unique<Square>(4));
  double total = 0;
  for (const auto &s : shapes) {
    std::cout << s->name() << ' ' << s->area() << '\n';
    total += s->area();
  }
  std::cout << "total " << total << '\n';

  Matrix<long, 4> m;
  for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) m.a[i][j] = i * 4 + j - 5;
  auto p = m * m * m;
  for (int i = 0; i < 4; i++) { for (int j = 0; j < 4; j++) std::cout << p.a[i][j] << ' '; std::cout << '\n'; }
  std::cout << sum(1, 2, 3, 4, 5) << ' ' << sum(1.5, 2.25) << ' ' << gcd(1071L, 462L) << '\n';

  std::vector<std::function<int(int)>> fns;
  for (int k = 1; k <= 4; k++) fns.push_back([k](int x) { return x * k + k; });
  int acc = 0;
  for (auto &f : fns) acc = f(acc);
  std::cout << "composed " << acc << '\n';

  {
    auto shared = std::make_shared<Counter>();
    std::weak_ptr<Counter> weak = shared;
    {
      auto copy = shared;
      std::cout << "use_count " << shared.use_count() << " live " << Counter::live << '\n';
    }
    std::vector<Counter> many(5);
    std::cout << "live " << Counter::live << " expired " << weak.expired() << '\n';
  }
  std::cout << "live after " << Counter::live << '\n';

  std::vector<std::variant<int, double, std::string>> vs{7, 2.5, std::string("seven")};
  for (auto &v : vs) std::cout << describe(v) << '\n';
  for (std::string s : {"123", "12a", "", "99999"}) {
    auto r = parse(s);
    std::cout << '"' << s << "\" -> " << (r ? std::to_string(*r) : "none") << '\n';
  }
  return 0;
}
