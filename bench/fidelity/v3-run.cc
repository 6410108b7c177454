// Runs one raw HTTP/1.1 request (stdin) through libmodsecurity with a rules file; prints each
// logged message (rule id, data, match) and the intervention, and with a debug-log path writes
// ModSecurity's debug log (level 9: every target value, transformation and capture). For
// diagnosing a fidelity disagreement without nginx (docs/fidelity.md):
//
//   g++ -std=c++17 -O1 -o /tmp/v3-run bench/fidelity/v3-run.cc -lmodsecurity
//   node dist/bench/fidelity/run.js --print-conf > /tmp/crs.conf
//   node dist/bench/fidelity/run.js --dump r00152 | /tmp/v3-run /tmp/crs.conf /tmp/debug.log
//
// The request is parsed simply: request line, header lines up to the blank line, the rest is
// the body (no chunked decoding). The URI is passed as written, so use origin-form targets.
// usage: v3-run RULES_FILE [DEBUG_LOG] < request
#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>
#include <modsecurity/rule_message.h>
#include <iostream>
#include <sstream>
#include <iterator>
#include <string>
static void cb(void *, const void *msg) {
  const modsecurity::RuleMessage *rm = reinterpret_cast<const modsecurity::RuleMessage *>(msg);
  std::cout << "MSG " << rm->m_ruleId << " data=[" << rm->m_data << "] match=[" << rm->m_match.substr(0, 300) << "]" << std::endl;
}
int main(int argc, char **argv) {
  std::string raw((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto *ms = new modsecurity::ModSecurity();
  ms->setServerLogCb(cb, modsecurity::RuleMessageLogProperty);
  auto *rs = new modsecurity::RulesSet();
  std::string extra;
  if (argc > 2) extra = std::string("SecDebugLog ") + argv[2] + "\nSecDebugLogLevel 9\n";
  if (!extra.empty() && rs->load(extra.c_str()) < 0) { std::cerr << rs->getParserError() << std::endl; return 2; }
  if (rs->loadFromUri(argv[1]) < 0) { std::cerr << rs->getParserError() << std::endl; return 2; }
  size_t he = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, he), body = he == std::string::npos ? "" : raw.substr(he + 4);
  std::istringstream hs(head);
  std::string line;
  std::getline(hs, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::string method = line.substr(0, line.find(' '));
  std::string rest = line.substr(line.find(' ') + 1);
  std::string uri = rest.substr(0, rest.rfind(' '));
  std::string ver = rest.substr(rest.rfind(' ') + 1 + 5);
  auto *t = new modsecurity::Transaction(ms, rs, nullptr);
  t->processConnection("127.0.0.1", 40000, "127.0.0.1", 80);
  t->processURI(uri.c_str(), method.c_str(), ver.c_str());
  while (std::getline(hs, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t c = line.find(':');
    if (c == std::string::npos) continue;
    std::string n = line.substr(0, c), v = line.substr(c + 1);
    while (!v.empty() && (v[0] == ' ' || v[0] == '\t')) v.erase(0, 1);
    t->addRequestHeader(n, v);
  }
  t->processRequestHeaders();
  modsecurity::ModSecurityIntervention it;
  it.status = 200; it.url = nullptr; it.log = nullptr; it.disruptive = 0;
  if (!t->intervention(&it)) {
    t->appendRequestBody((const unsigned char *)body.data(), body.size());
    t->processRequestBody();
    t->intervention(&it);
  }
  std::cout << "STATUS " << it.status << " disruptive " << it.disruptive << std::endl;
  // The disruptive rule's own line comes with the intervention, not through the callback.
  if (it.log) std::cout << "INTERVENTION " << std::string(it.log).substr(0, 400) << std::endl;
  t->processLogging();
  delete t; delete rs; delete ms;
}
