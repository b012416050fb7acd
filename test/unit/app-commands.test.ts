import { describe, expect, it } from 'vitest';
import { checkSpecName } from '../../app/commands/check-spec-name.js';
import type { Command, ParsedCommand } from '../../app/commands/command.js';
import { COMMAND_LIMITS } from '../../app/commands/command-limits.js';
import { findCommandLines } from '../../app/commands/find-command-lines.js';
import { formatUsageReply } from '../../app/commands/format-usage-reply.js';
import { parseCommands } from '../../app/commands/parse-commands.js';
import { quoteValue } from '../../app/commands/quote-value.js';
import { USAGE } from '../../app/commands/usage.js';

const body = (...lines: string[]) => lines.join('\n');

/** The one command of `text` (which must parse). */
function commandOf(text: string): Command {
  const results = parseCommands(text);
  expect(results).toHaveLength(1);
  const [result] = results;
  if (!result?.ok) throw new Error(`expected a command, got ${JSON.stringify(result)}`);
  return result.command;
}

/** The error of the one command of `text` (which must fail). */
function errorOf(text: string): string {
  const results = parseCommands(text);
  expect(results).toHaveLength(1);
  const [result] = results;
  if (result === undefined || result.ok) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.usage).toBe(USAGE);
  return result.error;
}

const lineNumbers = (results: ParsedCommand[]) => results.map((r) => r.line);

describe('parseCommands: commands and options', () => {
  it('run with a spec name only', () => {
    expect(commandOf('/quantumwala run 001-login')).toEqual({
      name: 'run',
      spec: '001-login',
      includeOptional: false,
    });
    expect(commandOf('/quantumwala run specs/001-login')).toMatchObject({ spec: 'specs/001-login' });
  });

  it('run with every option, in any order and with = forms', () => {
    expect(commandOf('/quantumwala run x --max-concurrent 4 --only T1,T2 --include-optional')).toEqual({
      name: 'run',
      spec: 'x',
      maxConcurrent: 4,
      only: ['T1', 'T2'],
      includeOptional: true,
    });
    expect(commandOf('/quantumwala run --include-optional --only=T3,T1,T3, --max-concurrent=256 x')).toEqual({
      name: 'run',
      spec: 'x',
      maxConcurrent: 256,
      only: ['T3', 'T1'],
      includeOptional: true,
    });
    expect(commandOf('/quantumwala run x --max-concurrent 1')).toMatchObject({ maxConcurrent: 1 });
    expect(commandOf('/quantumwala run x --only ABC-12,1.2.3')).toMatchObject({ only: ['ABC-12', '1.2.3'] });
  });

  it('run errors', () => {
    expect(errorOf('/quantumwala run')).toBe('run needs a spec name');
    expect(errorOf('/quantumwala run --include-optional')).toBe('run needs a spec name');
    expect(errorOf('/quantumwala run x --max-concurrent x')).toBe(
      '--max-concurrent needs a whole number from 1 to 256, got "x"',
    );
    for (const bad of ['0', '257', '-1', '1.5', '+3', '1e2', '99999']) {
      expect(errorOf(`/quantumwala run x --max-concurrent ${bad}`)).toBe(
        `--max-concurrent needs a whole number from 1 to 256, got "${bad}"`,
      );
    }
    expect(errorOf('/quantumwala run x --max-concurrent')).toBe(
      '--max-concurrent needs a whole number from 1 to 256',
    );
    expect(errorOf('/quantumwala run x --max-concurrent --include-optional')).toBe(
      '--max-concurrent needs a whole number from 1 to 256',
    );
    expect(errorOf('/quantumwala run x --max-concurrent 2 --max-concurrent 3')).toBe(
      '--max-concurrent is given twice',
    );
    expect(errorOf('/quantumwala run x --only')).toBe('--only needs a comma-separated list of task ids');
    expect(errorOf('/quantumwala run x --only ,,')).toBe('--only needs a comma-separated list of task ids');
    expect(errorOf('/quantumwala run x --only T1 --only T2')).toBe('--only is given twice');
    expect(errorOf('/quantumwala run x --only T1,@me')).toBe(
      'task id "@me" may only use letters, digits, ".", "_" and "-"',
    );
    expect(errorOf('/quantumwala run x --include-optional=yes')).toBe('--include-optional takes no value');
    expect(errorOf('/quantumwala run x --foo')).toBe('unknown option --foo');
    expect(errorOf('/quantumwala run x --foo=bar')).toBe('unknown option --foo');
    expect(errorOf('/quantumwala run x -f')).toBe('unknown option -f');
    expect(errorOf('/quantumwala run x y')).toBe('run takes one spec name, got an extra "y"');
  });

  it('status, with and without a spec', () => {
    expect(commandOf('/quantumwala status')).toEqual({ name: 'status' });
    expect(commandOf('/quantumwala status 001-x')).toEqual({ name: 'status', spec: '001-x' });
    expect(errorOf('/quantumwala status a b')).toBe('status takes at most one spec name, got an extra "b"');
    expect(errorOf('/quantumwala status --all')).toBe('unknown option --all');
    expect(errorOf('/quantumwala status ../x')).toBe(
      'spec name "../x" is not allowed: spec names never leave the repository',
    );
  });

  it('cancel', () => {
    expect(commandOf('/quantumwala cancel 001-x')).toEqual({ name: 'cancel', spec: '001-x' });
    expect(errorOf('/quantumwala cancel')).toBe('cancel needs a spec name');
    expect(errorOf('/quantumwala cancel a b')).toBe('cancel takes one spec name, got an extra "b"');
    expect(errorOf('/quantumwala cancel a --force')).toBe('unknown option --force');
  });

  it('retry, with ids comma- or space-separated', () => {
    expect(commandOf('/quantumwala retry 001-x')).toEqual({ name: 'retry', spec: '001-x', ids: [] });
    expect(commandOf('/quantumwala retry 001-x T1,T2 T3  T4,')).toEqual({
      name: 'retry',
      spec: '001-x',
      ids: ['T1', 'T2', 'T3', 'T4'],
    });
    expect(commandOf('/quantumwala retry x T1 T1,T1')).toMatchObject({ ids: ['T1'] });
    expect(errorOf('/quantumwala retry')).toBe('retry needs a spec name');
    expect(errorOf('/quantumwala retry x T1 --only T2')).toBe('unknown option --only');
    expect(errorOf('/quantumwala retry x T1;ls')).toBe(
      'task id "T1;ls" may only use letters, digits, ".", "_" and "-"',
    );
  });

  it('help, ignoring anything after it', () => {
    expect(commandOf('/quantumwala help')).toEqual({ name: 'help' });
    expect(commandOf('/quantumwala help run')).toEqual({ name: 'help' });
  });

  it('unknown and missing commands', () => {
    expect(errorOf('/quantumwala frobnicate')).toBe('unknown command "frobnicate"');
    expect(errorOf('/quantumwala Run x')).toBe('unknown command "Run"');
    expect(errorOf('/quantumwala')).toBe('missing command after /quantumwala');
    expect(errorOf('/quantumwala   ')).toBe('missing command after /quantumwala');
  });

  it('tabs and runs of spaces separate arguments; leading spaces are allowed', () => {
    expect(commandOf('   /quantumwala\trun   x\t--max-concurrent\t2  ')).toEqual({
      name: 'run',
      spec: 'x',
      maxConcurrent: 2,
      includeOptional: false,
    });
    expect(commandOf('hi\n\t/quantumwala status')).toEqual({ name: 'status' });
  });

  it('hidden comments on a command line are dropped', () => {
    expect(commandOf('/quantumwala run x <!-- --max-concurrent 9 -->')).toEqual({
      name: 'run',
      spec: 'x',
      includeOptional: false,
    });
    expect(commandOf('/quantumwala run x <!-- unclosed --foo')).toMatchObject({ spec: 'x' });
  });

  it('reports line numbers and keeps the order of several commands', () => {
    const results = parseCommands(body('Hi!', '/quantumwala status', '', 'and', '/quantumwala nope', 'bye'));
    expect(lineNumbers(results)).toEqual([2, 5]);
    expect(results.map((r) => r.ok)).toEqual([true, false]);
  });
});

describe('parseCommands: which lines are commands', () => {
  const RUN = '/quantumwala run x';

  it('ignores /quantumwala in the middle of a line and lookalike prefixes', () => {
    expect(parseCommands('please /quantumwala run x')).toEqual([]);
    expect(parseCommands('- /quantumwala run x')).toEqual([]);
    expect(parseCommands('`/quantumwala run x`')).toEqual([]);
    expect(parseCommands('/quantumwalarun x')).toEqual([]);
    expect(parseCommands('/quantumwala-bot run x')).toEqual([]);
    expect(parseCommands('/Quantumwala run x')).toEqual([]);
    expect(parseCommands('\u00a0/quantumwala run x')).toEqual([]);
  });

  it('ignores commands in ``` fences, with info strings and longer fences', () => {
    expect(parseCommands(body('```', RUN, '```'))).toEqual([]);
    expect(parseCommands(body('```sh title="x"', RUN, '```'))).toEqual([]);
    expect(parseCommands(body('````', '```', RUN, '```', RUN, '````', '/quantumwala help'))).toEqual([
      { ok: true, command: { name: 'help' }, line: 7 },
    ]);
    // A shorter or differently indented-past-3 closing line does not close it.
    expect(parseCommands(body('````', RUN, '```', RUN, '````'))).toEqual([]);
    expect(parseCommands(body('```', '    ```', RUN, '```'))).toEqual([]);
    // A fence that is never closed runs to the end of the comment.
    expect(parseCommands(body('```', '', RUN))).toEqual([]);
    // Blank lines inside a fence do not end it.
    expect(parseCommands(body('```', '', RUN, '', '```', RUN))).toHaveLength(1);
  });

  it('ignores commands in ~~~ fences, and does not close one fence kind with the other', () => {
    expect(parseCommands(body('~~~', RUN, '~~~'))).toEqual([]);
    expect(parseCommands(body('~~~ text', RUN, '```', RUN, '~~~~', RUN))).toEqual([
      { ok: true, command: { name: 'run', spec: 'x', includeOptional: false }, line: 6 },
    ]);
    expect(parseCommands(body('```', '~~~', RUN, '```'))).toEqual([]);
  });

  it('a backtick line with backticks in its info string is inline code, not a fence', () => {
    expect(lineNumbers(parseCommands(body('```inline``` code', RUN)))).toEqual([2]);
  });

  it('ignores commands in fences nested in lists and quotes, at any indentation', () => {
    expect(parseCommands(body('- step one', '  ```sh', '  /quantumwala run x', '  ```'))).toEqual([]);
    expect(parseCommands(body('1. step', '', '    ```', '    /quantumwala run x', '    ```'))).toEqual([]);
    // A fence in a list item after a blank line, with an outdented line inside it.
    expect(parseCommands(body('- item', '', '    ```', '  /quantumwala run x', '    ```'))).toEqual([]);
    expect(parseCommands(body('> ```', '> /quantumwala run x', '> ```'))).toEqual([]);
    expect(lineNumbers(parseCommands(body('```', RUN, '   ```', RUN)))).toEqual([4]);
  });

  it('ignores indented code (4+ columns after a blank line) but not an indented paragraph line', () => {
    expect(parseCommands(body('    /quantumwala run x'))).toEqual([]);
    expect(parseCommands(body('text', '', '    /quantumwala run x'))).toEqual([]);
    expect(parseCommands(body('text', '', '\t/quantumwala run x'))).toEqual([]);
    expect(parseCommands(body('', '    code', '', '        /quantumwala run x'))).toEqual([]);
    expect(parseCommands(body('', '    code', '      /quantumwala run x'))).toEqual([]);
    // Up to 3 spaces is not code; after a paragraph line, 4+ spaces continue the paragraph.
    expect(lineNumbers(parseCommands(body('', '   /quantumwala run x')))).toEqual([2]);
    expect(lineNumbers(parseCommands(body('text', '    /quantumwala run x')))).toEqual([2]);
    // A less indented line ends the code block.
    expect(lineNumbers(parseCommands(body('', '    code', RUN)))).toEqual([3]);
  });

  it('ignores commands in block quotes, their lazy continuation lines and nested quotes', () => {
    expect(parseCommands('> /quantumwala run x')).toEqual([]);
    expect(parseCommands('   >/quantumwala run x')).toEqual([]);
    expect(parseCommands(body('> > /quantumwala run x'))).toEqual([]);
    expect(parseCommands(body('> someone wrote:', '/quantumwala run x'))).toEqual([]);
    // A blank line ends the quote.
    expect(lineNumbers(parseCommands(body('> someone wrote:', '> /quantumwala run x', '', RUN)))).toEqual([
      4,
    ]);
  });

  it('ignores commands in HTML comments, on one line or several, and after them', () => {
    expect(parseCommands('<!-- /quantumwala run x -->')).toEqual([]);
    expect(parseCommands(body('<!--', RUN, '-->'))).toEqual([]);
    expect(parseCommands(body('<!-- a note', '', RUN, '', 'end -->'))).toEqual([]);
    expect(parseCommands(body('<!-- a --> <!-- b', RUN, '-->'))).toEqual([]);
    expect(parseCommands(body('text <!-- hidden', RUN, '-->'))).toEqual([]);
    expect(parseCommands(body('<!--', RUN, '--> /quantumwala run y'))).toEqual([]);
    expect(lineNumbers(parseCommands(body('<!-- a -->', RUN)))).toEqual([2]);
    expect(lineNumbers(parseCommands(body('<!--', '-->', RUN)))).toEqual([3]);
    // An unclosed <!-- inside a paragraph is plain text once the paragraph ends.
    expect(lineNumbers(parseCommands(body('text <!-- literal', '', RUN)))).toEqual([3]);
    // Inside code, <!-- is code, not a comment.
    expect(lineNumbers(parseCommands(body('```', '<!--', '```', RUN)))).toEqual([4]);
  });

  it('reads CRLF and CR line breaks', () => {
    const results = parseCommands(
      'Hi\r\n/quantumwala run x --max-concurrent 2\r\n```\r\n/quantumwala help\r\n```\r\n',
    );
    expect(results).toEqual([
      { ok: true, command: { name: 'run', spec: 'x', maxConcurrent: 2, includeOptional: false }, line: 2 },
    ]);
    expect(lineNumbers(parseCommands('a\r/quantumwala help\r\n/quantumwala status'))).toEqual([2, 3]);
    expect(commandOf('/quantumwala cancel x\r\n')).toEqual({ name: 'cancel', spec: 'x' });
  });

  it('ignores an empty body and a body without commands', () => {
    expect(parseCommands('')).toEqual([]);
    expect(parseCommands('LGTM, thanks!\n\n> /quantumwala run x')).toEqual([]);
  });
});

describe('parseCommands: arguments are never evaluated', () => {
  it('shell metacharacters stay literal and make bad spec names', () => {
    expect(errorOf('/quantumwala run $(rm -rf /)')).toBe(
      'spec name "$(rm" may only use letters, digits, ".", "_", "-" and "/"',
    );
    expect(errorOf('/quantumwala run `whoami`')).toBe(
      'spec name "`whoami`" may only use letters, digits, ".", "_", "-" and "/"',
    );
    expect(errorOf('/quantumwala run x;rm')).toBe(
      'spec name "x;rm" may only use letters, digits, ".", "_", "-" and "/"',
    );
    expect(errorOf('/quantumwala cancel x|y')).toMatch(/^spec name "x\|y" may only use/);
    expect(errorOf('/quantumwala run ${HOME}')).toMatch(/^spec name "\$\{HOME\}" may only use/);
    expect(errorOf('/quantumwala run x&&y')).toMatch(/^spec name "x&&y" may only use/);
  });

  it('quotes are literal characters: no word joining', () => {
    expect(errorOf('/quantumwala run "my spec"')).toBe(
      'spec name "\\"my" may only use letters, digits, ".", "_", "-" and "/"',
    );
    expect(errorOf("/quantumwala run 'x'")).toMatch(/^spec name "'x'" may only use/);
    expect(errorOf('/quantumwala run x\\ y')).toMatch(/^spec name "x\\\\" may only use/);
  });

  it('spec names never leave the repository', () => {
    for (const spec of ['../x', '..', 'specs/../../etc', 'a/..', '/etc/passwd', '/x']) {
      expect(errorOf(`/quantumwala run ${spec}`)).toBe(
        `spec name "${spec}" is not allowed: spec names never leave the repository`,
      );
    }
    expect(errorOf('/quantumwala run ~/x')).toMatch(/^spec name "~\/x" may only use/);
    expect(errorOf('/quantumwala run C:\\x')).toMatch(/may only use/);
    expect(commandOf('/quantumwala run a..b/c.d')).toMatchObject({ spec: 'a..b/c.d' });
    expect(commandOf('/quantumwala run ./specs/x')).toMatchObject({ spec: './specs/x' });
  });

  it('checkSpecName', () => {
    expect(checkSpecName('specs/001-login_v2.1')).toBeUndefined();
    expect(checkSpecName('-x')).toBe('spec name "-x" may not start with "-"');
    expect(checkSpecName('')).toMatch(/may only use/);
    expect(checkSpecName('x'.repeat(201))).toMatch(/is too long \(at most 200 characters\)$/);
    expect(checkSpecName('x'.repeat(200))).toBeUndefined();
  });
});

describe('parseCommands: limits', () => {
  it('returns at most 10 commands; later ones are ignored', () => {
    const lines = Array.from({ length: 15 }, (_, i) => `/quantumwala status s${i}`);
    const results = parseCommands(body(...lines));
    expect(results).toHaveLength(COMMAND_LIMITS.commandsPerComment);
    expect(results.at(-1)).toEqual({ ok: true, command: { name: 'status', spec: 's9' }, line: 10 });
    // Failed commands count too.
    const mixed = parseCommands(
      body(...Array.from({ length: 12 }, () => '/quantumwala bogus'), '/quantumwala help'),
    );
    expect(mixed).toHaveLength(10);
    expect(mixed.every((r) => !r.ok)).toBe(true);
  });

  it('reads only the first 65,536 characters, dropping a line the limit cuts', () => {
    const filler = `${'a'.repeat(99)}\n`.repeat(655); // 65,500 characters
    const head = `${filler}/quantumwala help\n`;
    expect(lineNumbers(parseCommands(`${head}/quantumwala status\n`))).toEqual([656]);
    // A command that the limit would cut short is not read at all (never parse half a spec name).
    const cut = `${filler}${'b'.repeat(16)}\n/quantumwala run specs/001-a-very-long-spec-name`;
    expect(cut.length).toBeGreaterThan(COMMAND_LIMITS.bodyLength);
    expect(parseCommands(cut)).toEqual([]);
    // A command that ends exactly at the limit is read.
    const exact = `${filler}/quantumwala run abcdefghijklmnopqrs`;
    expect(exact.length).toBe(COMMAND_LIMITS.bodyLength);
    expect(commandOf(`${exact}\n/quantumwala help`)).toMatchObject({ spec: 'abcdefghijklmnopqrs' });
    // One huge line is dropped entirely.
    expect(parseCommands(`/quantumwala run ${'x'.repeat(70_000)}`)).toEqual([]);
  });

  it('bounds task ids and option values', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `T${i}`);
    expect(errorOf(`/quantumwala retry x ${ids.join(' ')}`)).toBe('too many task ids (at most 100)');
    expect(errorOf(`/quantumwala run x --only ${ids.join(',')}`)).toBe('too many task ids (at most 100)');
    expect(commandOf(`/quantumwala retry x ${ids.slice(0, 100).join(',')}`)).toMatchObject({
      ids: ids.slice(0, 100),
    });
    expect(errorOf(`/quantumwala retry x T${'1'.repeat(64)}`)).toMatch(/^task id "T1{63}…" may only use/);
  });

  it('is fast on a large adversarial body', () => {
    const nasty = '<!--'.repeat(5000) + '\n' + '```'.repeat(5000) + '\n' + '> '.repeat(10_000);
    const started = performance.now();
    expect(parseCommands(nasty.repeat(3))).toEqual([]);
    expect(parseCommands(`${'/quantumwala run x '.repeat(3000)}`)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('error messages and replies', () => {
  it('quotes user input safely and briefly', () => {
    expect(quoteValue('frobnicate')).toBe('"frobnicate"');
    expect(quoteValue('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteValue('x\u202Ey\u200B\u0007')).toBe('"x\\u202ey\\u200b\\u0007"');
    expect(quoteValue('y'.repeat(100))).toBe(`"${'y'.repeat(64)}…"`);
    expect(errorOf(`/quantumwala ${'z'.repeat(1000)}`)).toBe(`unknown command "${'z'.repeat(64)}…"`);
    expect(errorOf('/quantumwala run x --@everyone')).toBe('unknown option "--@everyone"');
  });

  it('USAGE lists every command and option, and contains no command line itself', () => {
    for (const word of ['run', 'status', 'cancel', 'retry', 'help'])
      expect(USAGE).toContain(`/quantumwala ${word}`);
    for (const option of ['--max-concurrent', '--only', '--include-optional'])
      expect(USAGE).toContain(option);
    expect(parseCommands(USAGE)).toEqual([]);
  });

  it('formatUsageReply puts the error in inert code and appends the usage', () => {
    const [failure] = parseCommands('\n/quantumwala frobnicate');
    if (failure === undefined || failure.ok) throw new Error('expected a failure');
    const reply = formatUsageReply(failure);
    expect(reply).toContain('(line 2): `unknown command "frobnicate"`');
    expect(reply).toContain(USAGE);
    expect(formatUsageReply('run needs a spec name')).toContain(': `run needs a spec name`\n\n');
    // Backticks in the error cannot end the code span; newlines cannot start a command line.
    expect(formatUsageReply('a `b` ``c')).toContain('```a `b` ``c```');
    expect(formatUsageReply('`x`')).toContain('`` `x` ``');
    const sneaky = formatUsageReply('oops\n/quantumwala run x\n@everyone');
    expect(parseCommands(sneaky)).toEqual([]);
    expect(parseCommands(formatUsageReply(failure))).toEqual([]);
  });
});

describe('findCommandLines', () => {
  it('returns the command lines without their indentation', () => {
    expect(findCommandLines(body('x', '  /quantumwala help', '/quantumwala'))).toEqual([
      { line: 2, text: '/quantumwala help' },
      { line: 3, text: '/quantumwala' },
    ]);
    expect(findCommandLines('/quantumwala help\n/quantumwala help', 1)).toHaveLength(1);
    expect(findCommandLines('/quantumwala help', 0)).toEqual([]);
  });
});
