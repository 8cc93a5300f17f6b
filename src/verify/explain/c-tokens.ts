/**
 * @fileoverview A C or C++ file shipped reformatted: the tag's code with other white space between
 * its tokens (a generator of another version that prints a union on one line, a release that ran
 * `indent`). Explained when the compiler reads the same tokens from both: the same tokens in the
 * same order, string and character literals byte for byte, comments the same words, and every
 * preprocessor directive on a line of its own with the same tokens. Any other change is left to the
 * other explainers. The shipped file is still scanned by the rules.
 */
import { explained, type Explainer } from './types.js'

const C_FAMILY = /\.(?:c|h|cc|cpp|cxx|hh|hpp|hxx)$/
/** a file larger than this is not tokenised here: compared byte for byte as before */
const MAX_CHARS = 4 * 1024 * 1024

/** longest first, so that `>>=` is one token and `- -` stays two */
const PUNCTUATORS = ['%:%:', '...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##', '::', '<:', ':>', '<%', '%>', '%:']
const TOKEN = new RegExp(
  [
    String.raw`\/\*[\s\S]*?\*\/`, // a block comment
    String.raw`\/\/[^\n]*`, // a line comment
    String.raw`(?:u8|[uUL])?"(?:[^"\\\n]|\\[\s\S])*"`, // a string literal
    String.raw`(?:u8|[uUL])?'(?:[^'\\\n]|\\[\s\S])*'`, // a character literal
    String.raw`\.?\d(?:[eEpP][+-]|[\w.'])*`, // a preprocessing number
    String.raw`[A-Za-z_$][\w$]*`, // an identifier or keyword
    ...PUNCTUATORS.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    String.raw`\n`, // a line end: it ends a directive
    String.raw`\S`, // any other character, one at a time
  ].join('|'),
  'g',
)

/**
 * The tokens a compiler reads, as text: line splices joined first, white space dropped but for the
 * line end that closes a directive, a comment's white space made single spaces. Undefined for text
 * with a C++ raw string. What no token pattern matches (an unterminated comment or literal, which no
 * compiler accepts) is read a character at a time.
 */
export function cTokens(text: string): string[] | undefined {
  // a C++ raw string keeps its white space and line ends, which this reading would drop
  if (RAW_STRING.test(text)) return undefined
  const spliced = text.replace(/\\\r?\n/g, '')
  const out: string[] = []
  let inDirective = false
  let atLineStart = true
  for (const [token] of spliced.matchAll(TOKEN)) {
    if (token === '\n') {
      if (inDirective) out.push('\n')
      inDirective = false
      atLineStart = true
      continue
    }
    // a comment is one space to the compiler: the line still starts after it
    if (token.startsWith('/*') || token.startsWith('//')) {
      out.push(token.replace(/\s+/g, ' '))
      continue
    }
    if (atLineStart && (token === '#' || token === '%:')) inDirective = true
    atLineStart = false
    out.push(token)
  }
  return out
}

const RAW_STRING = /(?:^|[^\w$])(?:u8|[uUL])?R"/

const squeezed = (text: string): string => text.replace(/\\\r?\n/g, '').replace(/\s+/g, '')

const sameTokens = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((t, i) => t === b[i])

export function cTokensExplainer(): Explainer {
  return {
    name: 'c-tokens',
    async judge(difference, view) {
      if (difference.status !== 'content-differs' || difference.artifact?.kind !== 'file' || !C_FAMILY.test(difference.path)) return undefined
      const after = view.artifactText(difference.path)
      if (after === undefined || after.length > MAX_CHARS) return undefined
      const before = await view.sourceText(difference.path)
      if (before === undefined || before.length > MAX_CHARS) return undefined
      // the same tokens leave the same characters once splices and white space are gone: most changed files stop here, untokenised
      if (squeezed(before) !== squeezed(after)) return undefined
      const [a, b] = [cTokens(before), cTokens(after)]
      if (a === undefined || b === undefined || !sameTokens(a, b)) return undefined
      return explained(difference.path, 'reformatted', `the tag's code with other white space between its tokens: a compiler reads the same tokens, literals and directives from both`, false, true)
    },
  }
}
