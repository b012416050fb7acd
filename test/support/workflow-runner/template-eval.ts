/**
 * Evaluates parsed workflow template tokens with GitHub's expression engine (@actions/expressions),
 * as the Actions service does: a literal is itself, `${{ expr }}` is evaluated against the contexts
 * (the parser already turned `a ${{ x }} b` into `format('a {0} b', x)`), mappings and sequences
 * are evaluated item by item.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import {
  isBasicExpression,
  isBoolean,
  isLiteral,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Named contexts (github, inputs, matrix, …) for expressions. */
export type Contexts = Record<string, JsonValue>;

/** A template that GitHub would fail to evaluate; the message says where, like GitHub's. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** `file (Line: l, Col: c): ` for a token that came from a file. */
export function at(file: string, token: TemplateToken | undefined): string {
  return token?.line === undefined ? `${file}: ` : `${file} (Line: ${token.line}, Col: ${token.col ?? 0}): `;
}

function toData(value: JsonValue): data.ExpressionData {
  return JSON.parse(JSON.stringify(value), data.reviver) as data.ExpressionData;
}

function fromData(value: data.ExpressionData): JsonValue {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? 'null') as JsonValue;
}

/** Evaluates one expression (without `${{ }}`) against the contexts. */
export function evaluateExpression(expression: string, contexts: Contexts): JsonValue {
  const lexed = new Lexer(expression).lex();
  const ast = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const dictionary = new data.Dictionary(
    ...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })),
  );
  return fromData(new Evaluator(ast, dictionary).evaluate());
}

/**
 * The value of a template token. Expression errors become {@link TemplateError}s naming the file,
 * line and column and `what` was being evaluated.
 */
export function evaluateToken(
  token: TemplateToken,
  contexts: Contexts,
  file: string,
  what: string,
): JsonValue {
  if (isBasicExpression(token)) {
    try {
      return evaluateExpression(token.expression, contexts);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new TemplateError(`${at(file, token)}Error when evaluating '${what}': ${message}`);
    }
  }
  if (isString(token) || isNumber(token) || isBoolean(token)) return token.value;
  if (isLiteral(token)) return null;
  if (isSequence(token)) {
    const items: JsonValue[] = [];
    for (const item of token) items.push(evaluateToken(item, contexts, file, what));
    return items;
  }
  if (isMapping(token)) {
    const out: JsonObject = {};
    for (const pair of token) {
      out[asString(evaluateToken(pair.key, contexts, file, what), file, pair.key, what)] = evaluateToken(
        pair.value,
        contexts,
        file,
        what,
      );
    }
    return out;
  }
  throw new TemplateError(`${at(file, token)}'${what}': ${token.typeName()} is not supported by this runner`);
}

/** A scalar as the string GitHub makes of it (numbers and booleans are converted; null is ''). */
export function asString(
  value: JsonValue,
  file: string,
  token: TemplateToken | undefined,
  what: string,
): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return toData(value).coerceString();
  throw new TemplateError(
    `${at(file, token)}'${what}': a ${Array.isArray(value) ? 'sequence' : 'mapping'} was not expected`,
  );
}

/** Evaluates a token that must come out as a string. */
export function evaluateString(token: TemplateToken, contexts: Contexts, file: string, what: string): string {
  return asString(evaluateToken(token, contexts, file, what), file, token, what);
}
