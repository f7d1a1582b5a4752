// C++ containers and algorithms: map/set/unordered_map (printed in sorted order), vector sorting,
// priority_queue, deque, list, std::string operations, std::regex.
#include <algorithm>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <numeric>
#include <queue>
#include <regex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

int main(int argc, char **argv) {
  std::map<std::string, int> args;
  for (int i = 0; i < argc; i++) args[argv[i]] = i;
  for (const auto &kv : args) std::cout << "arg " << kv.first << " -> " << kv.second << '\n';

  // word frequencies, printed sorted by (count desc, word)
  const std::string text =
      "the quick brown fox jumps over the lazy dog the fox barks and the dog sleeps while a quick cat watches";
  std::unordered_map<std::string, int> freq;
  std::string word;
  for (char c : text + " ") {
    if (c == ' ') { if (!word.empty()) freq[word]++; word.clear(); }
    else word += c;
  }
  std::vector<std::pair<std::string, int>> items(freq.begin(), freq.end());
  std::sort(items.begin(), items.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (const auto &[w, n] : items) std::cout << w << ':' << n << ' ';
  std::cout << '\n';

  // pseudo-random numbers (LCG), sort, stable_sort, unique, binary search
  std::vector<long> v;
  unsigned long x = 12345;
  for (int i = 0; i < 2000; i++) { x = x * 6364136223846793005UL + 1442695040888963407UL; v.push_back((long)(x >> 33) % 1000 - 500); }
  std::vector<long> s = v;
  std::sort(s.begin(), s.end());
  std::cout << "min " << s.front() << " max " << s.back() << " median " << s[s.size() / 2] << '\n';
  std::cout << "sum " << std::accumulate(v.begin(), v.end(), 0L) << '\n';
  auto last = std::unique(s.begin(), s.end());
  std::cout << "distinct " << (last - s.begin()) << '\n';
  std::cout << "has 42: " << std::binary_search(s.begin(), last, 42L) << '\n';
  std::vector<std::pair<int, int>> pairs;
  for (int i = 0; i < 30; i++) pairs.push_back({(int)(v[i] % 5), i});
  std::stable_sort(pairs.begin(), pairs.end(), [](auto a, auto b) { return a.first < b.first; });
  for (auto &p : pairs) std::cout << p.first << '/' << p.second << ' ';
  std::cout << '\n';

  std::set<int> primes;
  for (int n = 2; n < 200; n++) {
    bool p = true;
    for (int d : primes) { if (d * d > n) break; if (n % d == 0) { p = false; break; } }
    if (p) primes.insert(n);
  }
  std::cout << "primes " << primes.size() << " last " << *primes.rbegin() << '\n';

  std::priority_queue<int> pq(v.begin(), v.begin() + 50);
  for (int i = 0; i < 5; i++) { std::cout << pq.top() << ' '; pq.pop(); }
  std::cout << '\n';
  std::deque<int> dq;
  for (int i = 0; i < 10; i++) { if (i % 2) dq.push_front(i); else dq.push_back(i); }
  for (int d : dq) std::cout << d;
  std::cout << '\n';
  std::list<std::string> l{"pear", "apple", "fig", "banana"};
  l.sort();
  l.reverse();
  for (auto &e : l) std::cout << e << ' ';
  std::cout << '\n';

  std::string str = "Hello, World! Hello, QVM!";
  std::cout << str.find("QVM") << ' ' << str.rfind("Hello") << ' ' << str.substr(7, 5) << '\n';
  std::string up = str;
  std::transform(up.begin(), up.end(), up.begin(), ::toupper);
  std::cout << up << '\n';
  std::regex re("([A-Za-z]+), ([A-Za-z]+)!");
  for (std::sregex_iterator it(str.begin(), str.end(), re), end; it != end; ++it)
    std::cout << "match [" << (*it)[1] << "] [" << (*it)[2] << "]\n";
  std::cout << std::regex_replace(str, std::regex("l+"), "L") << '\n';
  return 0;
}
