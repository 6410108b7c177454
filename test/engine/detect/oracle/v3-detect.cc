// Differential oracle for the @detectSQLi / @detectXSS agreement test
// (test/engine/detect/v3-agreement.test.ts). It runs ModSecurity v3 (the system's
// libmodsecurity) as a black box over a list of values and prints its verdicts.
//
// Input: one value a line, hex-encoded. Each value is sent as the query-string argument
// `a` (every byte percent-encoded, so any byte survives) of its own transaction, and the
// one-rule configs below inspect ARGS with no transformation.
// Output, one line per value: "<sqli 0|1> <xss 0|1> <TX.0 of the SQLi rule, hex>".
// With --version it prints libmodsecurity's version.
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <modsecurity/rule_message.h>
#include <iostream>
#include <string>

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
static bool sqli, xss;
static std::string tx0;
static void cb(void *, const void *msg) {
  const modsecurity::RuleMessage *rm = reinterpret_cast<const modsecurity::RuleMessage *>(msg);
  if (rm->m_ruleId == 1) sqli = true;
  if (rm->m_ruleId == 2) tx0 = rm->m_data;
  if (rm->m_ruleId == 3) xss = true;
}
int main(int argc, char **argv) {
  modsecurity::ModSecurity *ms = new modsecurity::ModSecurity();
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::cout << ms->whoAmI() << std::endl;
    return 0;
  }
  ms->setServerLogCb(cb, modsecurity::RuleMessageLogProperty);
  const char *rules =
      "SecRuleEngine DetectionOnly\n"
      "SecRule ARGS \"@detectSQLi\" \"id:1,phase:1,t:none,capture,log,pass,setvar:tx.sqli=1\"\n"
      "SecRule TX:sqli \"@eq 1\" \"id:2,phase:1,t:none,log,pass,logdata:'%{TX.0}'\"\n"
      "SecRule ARGS \"@detectXSS\" \"id:3,phase:1,t:none,log,pass\"\n";
  modsecurity::RulesSet *rs = new modsecurity::RulesSet();
  if (rs->load(rules) < 0) {
    std::cerr << "rules: " << rs->getParserError() << std::endl;
    return 2;
  }
  static const char *d = "0123456789ABCDEF";
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string value = unhex(line);
    std::string uri = "/?a=";
    for (unsigned char c : value) { uri.push_back('%'); uri.push_back(d[c >> 4]); uri.push_back(d[c & 15]); }
    sqli = xss = false;
    tx0.clear();
    modsecurity::Transaction *t = new modsecurity::Transaction(ms, rs, nullptr);
    t->processConnection("127.0.0.1", 1234, "127.0.0.1", 80);
    t->processURI(uri.c_str(), "GET", "1.1");
    t->processRequestHeaders();
    std::cout << (sqli ? 1 : 0) << ' ' << (xss ? 1 : 0) << ' ' << hex(tx0) << '\n';
    delete t;
  }
  std::cout.flush();
  delete rs;
  delete ms;
}
