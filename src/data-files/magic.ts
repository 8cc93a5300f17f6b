/**
 * @fileoverview What a blob is, from its first bytes. Every signature here is checked beyond its
 * magic number where the format allows it (a header checksum, a version field, a range), because
 * a two-byte magic alone matches one random file in 65,536.
 */
export type FormatFamily =
  | 'compressed'
  | 'archive'
  | 'executable'
  | 'object'
  | 'image'
  | 'document'
  | 'script'
  | 'bytecode'
  | 'font'
  | 'database'

/** Streams this module can decode (the decoders of src/sources/archive). */
export type Codec = 'gzip' | 'xz' | 'lzma' | 'bzip2' | 'zstd'

export type FormatId =
  | 'xz'
  | 'lzma'
  | 'gzip'
  | 'bzip2'
  | 'zstd'
  | 'lz4'
  | 'lzip'
  | 'compress'
  | 'zip'
  | 'jar'
  | 'apk'
  | '7z'
  | 'rar'
  | 'tar'
  | 'ar'
  | 'deb'
  | 'cpio'
  | 'elf'
  | 'pe'
  | 'macho'
  | 'macho-fat'
  | 'wasm'
  | 'java-class'
  | 'pyc'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'pdf'
  | 'woff'
  | 'woff2'
  | 'otf'
  | 'sqlite'
  | 'shebang'

/** What kind of machine code an executable format holds. */
export type CodeKind = 'relocatable' | 'executable' | 'shared-object' | 'core' | 'bundle' | 'other'

export interface BinaryFormat {
  readonly id: FormatId
  readonly family: FormatFamily
  /** short human label: `ELF 64-bit relocatable object, x86-64`, `xz compressed data` */
  readonly description: string
  /** set when src/sources/archive can decode the stream */
  readonly codec?: Codec
  /** executables and objects */
  readonly bits?: 16 | 32 | 64
  readonly machine?: string
  readonly kind?: CodeKind
  readonly endian?: 'little' | 'big'
  /** shebang scripts: the interpreter line, e.g. `/bin/sh` or `/usr/bin/env python3` */
  readonly interpreter?: string
}

const has = (head: Buffer, offset: number, magic: readonly number[] | string): boolean => {
  const bytes = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic
  if (head.length < offset + bytes.length) return false
  for (let i = 0; i < bytes.length; i++) if (head[offset + i] !== bytes[i]) return false
  return true
}

const u16 = (head: Buffer, offset: number, little: boolean): number => (little ? head.readUInt16LE(offset) : head.readUInt16BE(offset))
const u32 = (head: Buffer, offset: number, little: boolean): number => (little ? head.readUInt32LE(offset) : head.readUInt32BE(offset))

const ELF_MACHINES: Readonly<Record<number, string>> = {
  2: 'SPARC',
  3: 'x86 (i386)',
  8: 'MIPS',
  0x14: 'PowerPC',
  0x15: 'PowerPC64',
  0x16: 'S/390',
  0x28: 'ARM',
  0x2b: 'SPARC V9',
  0x32: 'IA-64',
  0x3e: 'x86-64',
  0xb7: 'aarch64',
  0xf3: 'RISC-V',
  0xf7: 'BPF',
  0x102: 'LoongArch',
}

function elf(head: Buffer): BinaryFormat | undefined {
  if (!has(head, 0, [0x7f, 0x45, 0x4c, 0x46]) || head.length < 20) return undefined
  const cls = head[4]
  const data = head[5]
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2) || head[6] !== 1) return undefined
  const little = data === 1
  const type = u16(head, 16, little)
  const machineCode = u16(head, 18, little)
  const machine = ELF_MACHINES[machineCode] ?? `machine 0x${machineCode.toString(16)}`
  const bits = cls === 1 ? 32 : 64
  const kind: CodeKind = type === 1 ? 'relocatable' : type === 2 ? 'executable' : type === 3 ? 'shared-object' : type === 4 ? 'core' : 'other'
  const what = kind === 'relocatable' ? 'relocatable object' : kind === 'shared-object' ? 'shared object (or PIE executable)' : kind === 'core' ? 'core dump' : kind === 'executable' ? 'executable' : `type ${type}`
  return {
    id: 'elf',
    family: kind === 'relocatable' ? 'object' : 'executable',
    description: `ELF ${bits}-bit ${what}, ${machine}`,
    bits,
    machine,
    kind,
    endian: little ? 'little' : 'big',
  }
}

const PE_MACHINES: Readonly<Record<number, string>> = { 0x14c: 'x86 (i386)', 0x8664: 'x86-64', 0xaa64: 'aarch64', 0x1c0: 'ARM', 0x1c4: 'ARM Thumb-2', 0x200: 'IA-64', 0xebc: 'EFI byte code' }

function pe(head: Buffer): BinaryFormat | undefined {
  if (!has(head, 0, 'MZ') || head.length < 0x40) return undefined
  const offset = head.readUInt32LE(0x3c)
  if (offset < 0x40 || offset + 24 > head.length || !has(head, offset, [0x50, 0x45, 0, 0])) return undefined
  const machineCode = head.readUInt16LE(offset + 4)
  const characteristics = head.readUInt16LE(offset + 22)
  const machine = PE_MACHINES[machineCode] ?? `machine 0x${machineCode.toString(16)}`
  const dll = (characteristics & 0x2000) !== 0
  const image = (characteristics & 0x0002) !== 0
  const kind: CodeKind = dll ? 'shared-object' : image ? 'executable' : 'relocatable'
  return {
    id: 'pe',
    family: kind === 'relocatable' ? 'object' : 'executable',
    description: `PE ${dll ? 'DLL' : image ? 'executable' : 'image (not marked executable)'}, ${machine}`,
    machine,
    kind,
    endian: 'little',
  }
}

const MACHO_CPUS: Readonly<Record<number, string>> = { 7: 'x86 (i386)', 0x01000007: 'x86-64', 12: 'ARM', 0x0100000c: 'arm64', 0x0200000c: 'arm64_32', 18: 'PowerPC', 0x01000012: 'PowerPC64' }

function macho(head: Buffer): BinaryFormat | undefined {
  if (head.length < 16) return undefined
  const magic = head.readUInt32BE(0)
  let bits: 32 | 64
  let little: boolean
  if (magic === 0xfeedface) [bits, little] = [32, false]
  else if (magic === 0xcefaedfe) [bits, little] = [32, true]
  else if (magic === 0xfeedfacf) [bits, little] = [64, false]
  else if (magic === 0xcffaedfe) [bits, little] = [64, true]
  else return undefined
  const cpu = u32(head, 4, little)
  const fileType = u32(head, 12, little)
  const machine = MACHO_CPUS[cpu] ?? `cpu 0x${cpu.toString(16)}`
  const kind: CodeKind = fileType === 1 ? 'relocatable' : fileType === 2 ? 'executable' : fileType === 6 ? 'shared-object' : fileType === 8 ? 'bundle' : fileType === 4 ? 'core' : 'other'
  if (fileType === 0 || fileType > 12) return undefined
  return {
    id: 'macho',
    family: kind === 'relocatable' ? 'object' : 'executable',
    description: `Mach-O ${bits}-bit ${kind === 'relocatable' ? 'object' : kind === 'shared-object' ? 'dylib' : kind}, ${machine}`,
    bits,
    machine,
    kind,
    endian: little ? 'little' : 'big',
  }
}

/** CAFEBABE is both a fat Mach-O and a Java class: a class file's major version is at least 45, a fat binary has a handful of architectures. */
function cafebabe(head: Buffer): BinaryFormat | undefined {
  if (head.length < 8) return undefined
  const magic = head.readUInt32BE(0)
  if (magic !== 0xcafebabe && magic !== 0xcafebabf) return undefined
  const next = head.readUInt32BE(4)
  if (magic === 0xcafebabe && next >= 45 && head.readUInt16BE(6) >= 45 && head.readUInt16BE(6) < 100) {
    return { id: 'java-class', family: 'bytecode', description: `Java class file (class version ${head.readUInt16BE(6)})` }
  }
  if (next >= 1 && next < 30) return { id: 'macho-fat', family: 'executable', description: `Mach-O universal binary with ${next} architecture${next === 1 ? '' : 's'}`, kind: 'executable' }
  return undefined
}

/** Legacy "LZMA alone": properties byte, dictionary size (a power of two or 3·2^n), uncompressed size, and a range coder whose first byte is always 0. */
function lzmaAlone(head: Buffer): BinaryFormat | undefined {
  if (head.length < 14) return undefined
  const props = head[0] ?? 255
  if (props > 224) return undefined
  const dict = head.readUInt32LE(1)
  const powerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0
  const validDict = dict === 0xffffffff || (dict >= 4096 && (powerOfTwo(dict) || (dict % 3 === 0 && powerOfTwo(dict / 3))))
  if (!validDict) return undefined
  const low = head.readUInt32LE(5)
  const high = head.readUInt32LE(9)
  const unknownSize = low === 0xffffffff && high === 0xffffffff
  // xz itself refuses sizes of 256 GiB or more; 0 is possible but then nothing follows
  if (!unknownSize && (high >= 64 || (high === 0 && low === 0))) return undefined
  if (head[13] !== 0) return undefined
  // the common presets all use lc=3, lp=0, pb=2 (0x5d); other valid combinations need a known size to count
  if (props !== 0x5d && unknownSize) return undefined
  return { id: 'lzma', family: 'compressed', codec: 'lzma', description: `LZMA (legacy .lzma) compressed data, dictionary ${dict === 0xffffffff ? 'unknown' : `${dict} bytes`}, ${unknownSize ? 'size unknown' : `${high * 2 ** 32 + low} bytes uncompressed`}` }
}

/** A v7 or ustar tar header: ustar magic, or a header checksum that adds up. */
export function isTarHeader(head: Buffer): boolean {
  if (head.length < 512) return false
  const block = head.subarray(0, 512)
  const magic = block.subarray(257, 262).toString('latin1')
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim()
  if (!/^[0-7]{1,7}$/.test(field)) return magic === 'ustar' && block[0] !== 0
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0)
  if (sum !== parseInt(field, 8)) return false
  // a name, and a size that is octal digits (or base-256)
  if (block[0] === 0) return false
  const size = block.subarray(124, 136)
  return (size[0] ?? 0) >= 0x80 || /^[0-7 \0]*$/.test(size.toString('latin1'))
}

function zipFlavour(head: Buffer): BinaryFormat {
  const nameLength = head.length >= 30 ? head.readUInt16LE(26) : 0
  const first = head.length >= 30 + nameLength ? head.subarray(30, 30 + nameLength).toString('latin1') : ''
  if (head.includes('AndroidManifest.xml', 0, 'latin1') || first === 'classes.dex') return { id: 'apk', family: 'archive', description: 'Android package (zip archive)' }
  if (first.startsWith('META-INF/')) return { id: 'jar', family: 'archive', description: 'Java archive (jar, a zip archive)' }
  return { id: 'zip', family: 'archive', description: 'zip archive' }
}

function pyc(head: Buffer): BinaryFormat | undefined {
  if (head.length < 8 || head[2] !== 0x0d || head[3] !== 0x0a) return undefined
  const magic = head.readUInt16LE(0)
  const python3 = magic >= 3000 && magic < 4000
  const python2 = magic >= 20121 && magic <= 62211 && magic % 10 === 1
  if (!python3 && !python2) return undefined
  // from Python 3.7 (magic 3390) a flags word follows: only bits 0 and 1 are defined
  if (python3 && magic >= 3390 && head.readUInt32LE(4) > 3) return undefined
  return { id: 'pyc', family: 'bytecode', description: `Python ${python3 ? '3' : '2'} bytecode (magic ${magic})` }
}

function shebang(head: Buffer): BinaryFormat | undefined {
  if (!has(head, 0, '#!')) return undefined
  const end = head.indexOf(0x0a)
  const line = head.subarray(2, end < 0 ? Math.min(head.length, 256) : Math.min(end, 256)).toString('latin1').trim()
  if (!/^\/?[\w./+-]+(?:\s+[\w./+=-]+)*$/.test(line) || !/[\w]/.test(line)) return undefined
  return { id: 'shebang', family: 'script', description: `script for ${line}`, interpreter: line }
}

/** A six-byte magic is strong enough: a damaged header is still worth decoding (the decoder reports the damage). */
const xzHeader = (head: Buffer): boolean => has(head, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])

/** The format of a blob from its first bytes (pass at least 512 bytes, 4 KiB for PE headers); undefined when unknown. */
export function detectFormat(head: Buffer): BinaryFormat | undefined {
  if (head.length < 2) return undefined
  if (xzHeader(head)) return { id: 'xz', family: 'compressed', description: 'xz compressed data', codec: 'xz' }
  if (has(head, 0, [0x1f, 0x8b, 0x08]) && ((head[3] ?? 0) & 0xe0) === 0) return { id: 'gzip', family: 'compressed', description: 'gzip compressed data', codec: 'gzip' }
  if (has(head, 0, 'BZh') && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39 && (has(head, 4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || has(head, 4, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]))) {
    return { id: 'bzip2', family: 'compressed', description: 'bzip2 compressed data', codec: 'bzip2' }
  }
  if (has(head, 0, [0x28, 0xb5, 0x2f, 0xfd])) return { id: 'zstd', family: 'compressed', description: 'zstd compressed data', codec: 'zstd' }
  if (head.length >= 8 && (head.readUInt32LE(0) & 0xfffffff0) === 0x184d2a50) return { id: 'zstd', family: 'compressed', description: 'zstd compressed data (skippable frame first)', codec: 'zstd' }
  if (has(head, 0, [0x04, 0x22, 0x4d, 0x18])) return { id: 'lz4', family: 'compressed', description: 'lz4 frame compressed data' }
  if (has(head, 0, [0x02, 0x21, 0x4c, 0x18])) return { id: 'lz4', family: 'compressed', description: 'lz4 legacy compressed data' }
  if (has(head, 0, 'LZIP') && (head[4] === 0 || head[4] === 1)) return { id: 'lzip', family: 'compressed', description: 'lzip compressed data' }
  if (has(head, 0, [0x1f, 0x9d]) && ((head[2] ?? 0) & 0x1f) >= 9 && ((head[2] ?? 0) & 0x1f) <= 16) return { id: 'compress', family: 'compressed', description: 'compress (.Z) data' }
  if (has(head, 0, [0x50, 0x4b, 0x03, 0x04])) return zipFlavour(head)
  if (has(head, 0, [0x50, 0x4b, 0x05, 0x06]) || has(head, 0, [0x50, 0x4b, 0x07, 0x08])) return { id: 'zip', family: 'archive', description: 'zip archive (empty or spanned)' }
  if (has(head, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return { id: '7z', family: 'archive', description: '7-zip archive' }
  if (has(head, 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00])) return { id: 'rar', family: 'archive', description: 'RAR 5 archive' }
  if (has(head, 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00])) return { id: 'rar', family: 'archive', description: 'RAR archive' }
  if (has(head, 0, '!<arch>\n')) {
    if (has(head, 8, 'debian-binary')) return { id: 'deb', family: 'archive', description: 'Debian package (ar archive)' }
    return { id: 'ar', family: 'archive', description: 'ar archive (static library or package)' }
  }
  if (has(head, 0, '070701') || has(head, 0, '070702')) return { id: 'cpio', family: 'archive', description: 'cpio archive (newc)' }
  if (has(head, 0, '070707')) return { id: 'cpio', family: 'archive', description: 'cpio archive (odc)' }
  if (head.length >= 26 && (head.readUInt16LE(0) === 0o70707 || head.readUInt16BE(0) === 0o70707) && (head.readUInt16LE(20) & 0xf000) === 0o100000) {
    return { id: 'cpio', family: 'archive', description: 'cpio archive (binary)' }
  }
  const exe = elf(head) ?? pe(head) ?? macho(head) ?? cafebabe(head)
  if (exe) return exe
  if (has(head, 0, [0x00, 0x61, 0x73, 0x6d]) && head.length >= 8 && head.readUInt32LE(4) === 1) return { id: 'wasm', family: 'bytecode', description: 'WebAssembly module' }
  const bytecode = pyc(head)
  if (bytecode) return bytecode
  if (has(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { id: 'png', family: 'image', description: 'PNG image' }
  if (has(head, 0, [0xff, 0xd8, 0xff])) return { id: 'jpeg', family: 'image', description: 'JPEG image' }
  if (has(head, 0, 'GIF87a') || has(head, 0, 'GIF89a')) return { id: 'gif', family: 'image', description: 'GIF image' }
  if (has(head, 0, 'RIFF') && has(head, 8, 'WEBP')) return { id: 'webp', family: 'image', description: 'WebP image' }
  if (has(head, 0, '%PDF-')) return { id: 'pdf', family: 'document', description: 'PDF document' }
  if (has(head, 0, 'wOFF')) return { id: 'woff', family: 'font', description: 'WOFF font' }
  if (has(head, 0, 'wOF2')) return { id: 'woff2', family: 'font', description: 'WOFF2 font' }
  if (has(head, 0, 'OTTO')) return { id: 'otf', family: 'font', description: 'OpenType font' }
  if (has(head, 0, 'SQLite format 3\0')) return { id: 'sqlite', family: 'database', description: 'SQLite 3 database' }
  if (isTarHeader(head)) return { id: 'tar', family: 'archive', description: has(head, 257, 'ustar') ? 'tar archive (ustar)' : 'tar archive (v7)' }
  const script = shebang(head)
  if (script) return script
  return lzmaAlone(head)
}

/** A short label for chains: `xz`, `tar`, `ELF 64-bit relocatable object, x86-64`. */
export function formatLabel(format: BinaryFormat): string {
  switch (format.family) {
    case 'compressed':
    case 'archive':
      return format.id
    default:
      return format.description
  }
}
