import { describe, expect, it } from 'vitest'
import { readLiteralModule } from '../../src/verify/explain/python-literals.js'

const ALLOWED = new Set(['from setuptools import setup', 'setup(**setup_kwargs)'])

describe('Python made of literals', () => {
  it('reads assignments of literals across lines, and later ones that name earlier ones', () => {
    const text = [
      '# -*- coding: utf-8 -*-',
      'from setuptools import setup',
      '',
      'packages = \\',
      "['frob', 'frob.sub']",
      '',
      'extras = \\',
      "{'docs': ['sphinx>=5'], 'n': (1, 2.5, -3), 'flag': True}",
      '',
      'setup_kwargs = {',
      "    'name': 'frob',",
      "    'version': '3.2.0',",
      "    'long_description': '# Frob\\n\\nIt\\'s \"quoted\"' 'and joined',",
      "    'maintainer': None,",
      "    'packages': packages,",
      '}',
      '',
      '',
      'setup(**setup_kwargs)',
      '',
    ].join('\n')
    const module = readLiteralModule(text, ALLOWED)
    expect(module?.statements).toEqual(['from setuptools import setup', 'setup(**setup_kwargs)'])
    const kwargs = module?.bindings.get('setup_kwargs') as Map<string, unknown>
    expect(kwargs.get('version')).toBe('3.2.0')
    expect(kwargs.get('maintainer')).toBeNull()
    expect(kwargs.get('packages')).toEqual(['frob', 'frob.sub'])
    expect(kwargs.get('long_description')).toContain('and joined')
  })

  it('refuses anything that computes: calls, attributes, operators, unknown names, other statements', () => {
    for (const text of [
      "x = __import__('os').system('id')\n",
      "x = os.environ\n",
      "x = 'a' + 'b'\n",
      'x = y\n',
      "import os\nx = 1\n",
      "x = 1\nexec('print(1)')\n",
      'x = 1; import os\n',
      "x = {'a': open('/etc/passwd').read()}\n",
      'x = """triple"""\n',
      "x = ['unterminated\n",
      'x == 1\n',
    ]) expect(readLiteralModule(text, ALLOWED), text).toBeUndefined()
  })

  it('stops at nesting deeper than any generator writes', () => {
    expect(readLiteralModule(`x = ${'['.repeat(10_000)}`, ALLOWED)).toBeUndefined()
  })
})
