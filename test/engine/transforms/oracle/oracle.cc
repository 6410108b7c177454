// Differential oracle for vpatch's transformations: runs libmodsecurity's own t: functions.
//
// Build (Debian 12: apt-get install g++ libmodsecurity-dev):
//   g++ -O1 -o oracle oracle.cc -lmodsecurity
// Protocol: stdin lines "<v3 name> <hex input>", stdout lines "<hex output>".
//
// libmodsecurity exports Transformation::instantiate("t:<name>") but installs no header for
// it; the class derives from the public modsecurity::actions::Action, whose virtual
// evaluate(const std::string&, Transaction*) runs the transformation (no transaction needed
// when no SecUnicodeMapFile is configured).
#include <modsecurity/actions/action.h>
#include <iostream>
#include <string>
#include <map>
namespace modsecurity { namespace actions { namespace transformations {
class Transformation : public Action {
 public:
  static Transformation *instantiate(std::string a);
};
}}}
using modsecurity::actions::Action;
static std::string unhex(const std::string &h) {
  std::string o; o.reserve(h.size()/2);
  for (size_t i = 0; i + 1 < h.size(); i += 2) o.push_back((char)std::stoi(h.substr(i, 2), nullptr, 16));
  return o;
}
static std::string hex(const std::string &s) {
  static const char *d = "0123456789abcdef"; std::string o;
  for (unsigned char c : s) { o.push_back(d[c >> 4]); o.push_back(d[c & 15]); }
  return o;
}
int main() {
  std::ios::sync_with_stdio(false);
  std::map<std::string, Action *> cache;
  std::string line;
  while (std::getline(std::cin, line)) {
    auto sp = line.find(' ');
    std::string name = line.substr(0, sp);
    std::string in = sp == std::string::npos ? "" : unhex(line.substr(sp + 1));
    Action *&a = cache[name];
    if (!a) a = (Action *)modsecurity::actions::transformations::Transformation::instantiate("t:" + name);
    std::string out = a->evaluate(in, nullptr);
    std::cout << hex(out) << "\n";
  }
  std::cout.flush();
}
