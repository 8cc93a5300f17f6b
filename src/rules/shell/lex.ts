/** A command as a list of words (quotes removed), with the line it starts on. */
export interface Command {
  readonly words: readonly string[]
  readonly raw: string
}

export interface Pipeline {
  readonly line: number
  readonly commands: readonly Command[]
  /** the whole logical line, for evidence */
  readonly text: string
}

const MAX_LINE = 20_000

/** Logical lines: backslash-newline continuations joined, each with the number of its first line. */
export function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const start = i
    let joined = lines[i] ?? ''
    while (joined.endsWith('\\') && i + 1 < lines.length && joined.length < MAX_LINE) joined = joined.slice(0, -1) + ' ' + (lines[++i] ?? '')
    out.push({ line: start + 1, text: joined.slice(0, MAX_LINE) })
  }
  return out
}

/**
 * Splits shell-like text into pipelines and words, respecting quotes, backquotes and $(...).
 * It is a lexer, not a parser: good enough to see which command feeds which, and it never throws.
 */
export function splitPipelines(text: string, line: number): Pipeline[] {
  const pipelines: Pipeline[] = []
  let commands: Command[] = []
  let words: string[] = []
  let word = ''
  let raw = ''
  let inWord = false
  const endWord = () => {
    if (inWord) words.push(word)
    word = ''
    inWord = false
  }
  const endCommand = () => {
    endWord()
    if (words.length) commands.push({ words, raw: raw.trim() })
    words = []
    raw = ''
  }
  const endPipeline = () => {
    endCommand()
    if (commands.length) pipelines.push({ line, commands, text: text.trim() })
    commands = []
  }
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i] ?? ''
    if (c === "'") {
      const close = text.indexOf("'", i + 1)
      const end = close < 0 ? n : close
      word += text.slice(i + 1, end)
      raw += text.slice(i, end + 1)
      inWord = true
      i = end + 1
      continue
    }
    if (c === '"' || c === '`') {
      let j = i + 1
      let body = ''
      while (j < n && text[j] !== c) {
        // inside double quotes a backslash only escapes $ ` " \ and newline, as in sh
        if (text[j] === '\\' && j + 1 < n && '$`"\\\n'.includes(text[j + 1] ?? '')) {
          body += text[j + 1]
          j += 2
        } else body += text[j++]
      }
      word += c === '`' ? `\`${body}\`` : body
      raw += text.slice(i, j + 1)
      inWord = true
      i = j + 1
      continue
    }
    if (c === '$' && text[i + 1] === '(') {
      let depth = 0
      let j = i + 1
      for (; j < n; j++) {
        if (text[j] === '(') depth++
        else if (text[j] === ')' && --depth === 0) break
      }
      word += text.slice(i, j + 1)
      raw += text.slice(i, j + 1)
      inWord = true
      i = j + 1
      continue
    }
    if (c === '\\' && i + 1 < n) {
      word += text[i + 1]
      raw += text.slice(i, i + 2)
      inWord = true
      i += 2
      continue
    }
    if (c === '#' && !inWord) break
    if (c === '|' && text[i + 1] !== '|') {
      endCommand()
      i++
      continue
    }
    if (c === ';' || (c === '&' && text[i + 1] === '&') || (c === '|' && text[i + 1] === '|')) {
      endPipeline()
      i += c === ';' ? 1 : 2
      continue
    }
    if (c === ' ' || c === '\t' || c === '(' || c === ')' || c === '{' || c === '}') {
      endWord()
      raw += c
      i++
      continue
    }
    word += c
    raw += c
    inWord = true
    i++
  }
  endPipeline()
  return pipelines
}

/** The bodies of $(...) and backquote substitutions in a word, to be lexed in turn. */
export function substitutions(word: string): string[] {
  const out: string[] = []
  for (const m of word.matchAll(/`([^`]*)`/g)) out.push(m[1] ?? '')
  let i = word.indexOf('$(')
  while (i >= 0) {
    let depth = 0
    let j = i + 1
    for (; j < word.length; j++) {
      if (word[j] === '(') depth++
      else if (word[j] === ')' && --depth === 0) break
    }
    out.push(word.slice(i + 2, j))
    i = word.indexOf('$(', j)
  }
  return out
}

/** Every pipeline in a text, including those inside command substitutions and quoted assignments. */
export function allPipelines(text: string): Pipeline[] {
  const out: Pipeline[] = []
  const visit = (body: string, line: number, fullText: string, depth: number) => {
    if (depth > 4) return
    for (const p of splitPipelines(body, line)) {
      out.push({ ...p, text: fullText })
      for (const cmd of p.commands) {
        for (const w of cmd.words) {
          for (const sub of substitutions(w)) visit(sub, line, fullText, depth + 1)
          // A command kept in a variable runs later through eval: lex the value as a command too.
          const assigned = /^[\w[\]$]+=(.*\s.*)$/s.exec(w)?.[1]
          if (assigned) visit(assigned, line, fullText, depth + 1)
        }
      }
    }
  }
  for (const l of logicalLines(text)) if (l.text.trim()) visit(l.text, l.line, l.text.trim(), 0)
  return out
}
