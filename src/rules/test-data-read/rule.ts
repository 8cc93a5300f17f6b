import { program } from '../shell/commands.js'
import { pipelineFacts } from '../shell/facts.js'
import { pipelineRule } from '../pipeline-rule.js'

const READERS = /^(cat|sed|head|tail|dd|xz|unxz|xzcat|lzma|gzip|gunzip|zcat|bzip2|bzcat|zstd|base64|od|xxd|tr|awk|perl|openssl|strings)$/
const TEST_DATA = /(^|[/"'$}])(tests?|testdata|test-data|fixtures?|testsuite)\/[^\s]*\.(xz|lzma|gz|bz2|zst|bin|dat|raw|data|lz|lz4)\b/

const rule = pipelineRule(
  {
    id: 'scan/test-data-read',
    title: 'Build step reads test data',
    short: 'Configure or build logic reads a binary file from a test or fixture directory.',
    motivation: 'Test data is reviewed less than code; a build step that reads it, outside the test targets, can be starting a payload stored there.',
    remediation: 'Check why the build needs that file and what it does with the bytes.',
    defaultSeverity: 'medium',
    defaultConfidence: 'medium',
  },
  (p, hits) => {
    const reads = p.commands.some((c) => READERS.test(program(c).name) && c.words.some((w) => TEST_DATA.test(w)))
    const redirected = TEST_DATA.test(p.text) && /<\s*\S*(tests?|testdata|fixtures?)\//.test(p.text)
    if (!reads && !redirected) return
    const f = pipelineFacts(p)
    const chained = f.sinkIndex > 0 || f.decoders.length > 0 || f.swaps > 0 || f.carvers > 0
    hits.push({ line: p.line, message: `reads a binary test data file${chained ? ' and decodes or executes it' : ''}`, evidence: `${p.line}: ${p.text}`, severity: chained ? 'high' : 'medium' })
  },
)
export default rule
