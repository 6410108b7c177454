// Differential oracle for test/engine/operators/v3-oracle.test.ts: evaluates one
// SecLang operator per input line with the system's libmodsecurity v3.
// Input lines: "op<TAB>param-hex<TAB>value-hex". Output lines: "LOADERR <message>"
// or "MATCH <0|1> <TX.0-hex>". With --version it prints libmodsecurity's version.
// The value is sent as request header X-Test; the rule has `capture`, and a second
// rule logs TX.0 so that the server-log callback can read it.
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <modsecurity/rule_message.h>
#include <iostream>
#include <string>
#include <sstream>

static std::string unhex(const std::string &h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back((char)std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}
static std::string hex(const std::string &s) {
  static const char *d = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) { o.push_back(d[c >> 4]); o.push_back(d[c & 15]); }
  return o;
}
static bool matched;
static std::string tx0;
static void cb(void *data, const void *msg) {
  const modsecurity::RuleMessage *rm = reinterpret_cast<const modsecurity::RuleMessage *>(msg);
  if (rm->m_ruleId == 1) { matched = true; }
  if (rm->m_ruleId == 2) { tx0 = rm->m_data; }
}
int main(int argc, char **argv) {
  modsecurity::ModSecurity *ms = new modsecurity::ModSecurity();
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::cout << ms->whoAmI() << std::endl;
    return 0;
  }
  ms->setServerLogCb(cb, modsecurity::RuleMessageLogProperty);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream ss(line);
    std::string op, ph, ih;
    std::getline(ss, op, '\t'); std::getline(ss, ph, '\t'); std::getline(ss, ih, '\t');
    std::string param = unhex(ph), input = unhex(ih);
    std::string esc;
    for (char c : param) { if (c == '"' ) esc += "\\\""; else esc.push_back(c); }
    std::string rules = "SecRuleEngine On\n"
      "SecRule REQUEST_HEADERS:X-Test \"@" + op + " " + esc + "\" \"id:1,phase:1,capture,log,pass,setvar:tx.hit=1\"\n"
      "SecRule TX:hit \"@eq 1\" \"id:2,phase:1,log,pass,logdata:'%{TX.0}'\"\n";
    modsecurity::RulesSet *rs = new modsecurity::RulesSet();
    if (rs->load(rules.c_str()) < 0) {
      std::string e = rs->getParserError();
      for (auto &c : e) if (c == '\n') c = ' ';
      std::cout << "LOADERR " << e << std::endl;
      delete rs;
      continue;
    }
    matched = false; tx0.clear();
    modsecurity::Transaction *t = new modsecurity::Transaction(ms, rs, nullptr);
    t->processConnection("127.0.0.1", 1234, "127.0.0.1", 80);
    t->processURI("/", "GET", "1.1");
    t->addRequestHeader((const unsigned char *)"X-Test", 6, (const unsigned char *)input.data(), input.size());
    t->processRequestHeaders();
    std::cout << "MATCH " << (matched ? 1 : 0) << " " << hex(tx0) << std::endl;
    delete t;
    delete rs;
  }
  delete ms;
}
