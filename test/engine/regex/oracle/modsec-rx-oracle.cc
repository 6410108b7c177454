// Differential oracle: runs @rx / @rxGlobal through libmodsecurity v3 (Debian's
// libmodsecurity-dev) and prints what the rule saw. Used by test/engine/regex/oracle.test.ts
// when g++ and the headers are present; nothing in vpatch depends on it.
//
// stdin, one command per line:
//   P TAB <rx|rxGlobal> TAB <pattern hex>   load a rule set with that operator
//   I TAB <input hex>                       run the current rule set on an input
// stdout, one line per I: <0|1|E> TAB <tx0 hex or -> TAB <tx1 hex or -> ... (TX.0-TX.15)
// (E: the rules did not load; a pattern PCRE2 rejects loads, and never matches.)
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <modsecurity/rule_message.h>

#include <iostream>
#include <map>
#include <sstream>
#include <string>

static std::map<int, std::string> g_messages;

static void log_cb(void *, const void *data) {
  const modsecurity::RuleMessage *rm = reinterpret_cast<const modsecurity::RuleMessage *>(data);
  g_messages[rm->m_ruleId] = rm->m_message;
}

static std::string unhex(const std::string &h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

static std::string hex(const std::string &s) {
  static const char *d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

int main() {
  modsecurity::ModSecurity ms;
  ms.setServerLogCb(log_cb, modsecurity::RuleMessageLogProperty);
  const int kGroups = 16;
  std::string line;
  modsecurity::RulesSet *rs = nullptr;
  bool loaded = false;
  while (std::getline(std::cin, line)) {
    std::istringstream fields(line);
    std::string cmd;
    std::getline(fields, cmd, '\t');
    if (cmd == "P") {
      std::string op, phex;
      std::getline(fields, op, '\t');
      std::getline(fields, phex, '\t');
      std::string pattern = unhex(phex);
      std::string quoted;
      for (char c : pattern) {
        if (c == '"') quoted += "\\\"";
        else quoted.push_back(c);
      }
      std::ostringstream rules;
      rules << "SecRuleEngine On\n";
      rules << "SecAction \"id:1,phase:1,pass,nolog";
      for (int i = 0; i < kGroups; i++) rules << ",setvar:tx." << i << "=UNSET-" << i;
      rules << "\"\n";
      rules << "SecRule REQUEST_HEADERS:X-T \"@" << op << " " << quoted << "\" \"id:2,phase:1,pass,capture,log,msg:'M'\"\n";
      for (int i = 0; i < kGroups; i++) {
        rules << "SecAction \"id:" << (100 + i) << ",phase:1,pass,log,msg:'%{TX." << i << "}'\"\n";
      }
      delete rs;
      rs = new modsecurity::RulesSet();
      loaded = rs->load(rules.str().c_str()) >= 0;
      continue;
    }
    std::string ihex;
    std::getline(fields, ihex, '\t');
    std::string input = unhex(ihex);
    if (!loaded) {
      std::cout << "E" << std::endl;
      continue;
    }
    g_messages.clear();
    modsecurity::Transaction t(&ms, rs, nullptr);
    t.processConnection("127.0.0.1", 1234, "127.0.0.1", 80);
    t.processURI("/", "GET", "1.1");
    const std::string key = "X-T";
    t.addRequestHeader(reinterpret_cast<const unsigned char *>(key.data()), key.size(),
                       reinterpret_cast<const unsigned char *>(input.data()), input.size());
    t.processRequestHeaders();
    std::cout << (g_messages.count(2) ? "1" : "0");
    for (int i = 0; i < kGroups; i++) {
      std::string v = g_messages[100 + i];
      std::string unset = "UNSET-" + std::to_string(i);
      std::cout << "\t" << (v == unset ? std::string("-") : hex(v));
    }
    std::cout << std::endl;
  }
  delete rs;
  return 0;
}
