import { StagelightError } from '../../errors.js'
import type { TreeEntry } from '../../model/tree.js'
import { DataError, LimitReached, Unsupported } from './failures.js'
import { limitExceeded } from './issues.js'
import { Budget } from './limits.js'
import { PrefixStripper } from './prefix.js'
import type { OpenSource, SourceContext } from './raw.js'
import type { ArchiveIssue, ArchiveLimits, ArtifactFormat, ArtifactTree } from './types.js'
import { ProgressTicker, TreeWalk, type ProgressCallback } from './walk.js'

export interface ReaderSpec {
  readonly format: ArtifactFormat
  readonly file: string
  /** size of the artifact file, for progress; undefined for a directory */
  readonly fileSize: number | undefined
  readonly limits: ArchiveLimits
  readonly stripPrefix: boolean
  readonly onProgress: ProgressCallback | undefined
  readonly open: OpenSource
  readonly exclude?: ((path: string) => boolean) | undefined
}

const DESCRIPTION: Readonly<Record<ArtifactFormat, string>> = {
  directory: 'directory',
  tar: 'tar archive',
  'tar.gz': 'gzip-compressed tar archive',
  'tar.xz': 'xz-compressed tar archive',
  'tar.bz2': 'bzip2-compressed tar archive',
  'tar.zst': 'zstd-compressed tar archive',
  zip: 'zip archive',
}

/** An artifact opened for reading; each call of entries() reads it again from the start. */
export class ArtifactReader implements ArtifactTree {
  readonly format: ArtifactFormat
  readonly issues: ArchiveIssue[] = []
  private readonly spec: ReaderSpec
  private stripper: PrefixStripper
  private cut = false

  constructor(spec: ReaderSpec) {
    this.spec = spec
    this.format = spec.format
    this.stripper = new PrefixStripper(spec.stripPrefix)
  }

  readonly prefix = (): string => this.stripper.prefix
  readonly prefixHeld = (): boolean => this.stripper.held
  readonly truncated = (): boolean => this.cut

  async *entries(): AsyncGenerator<TreeEntry> {
    const { spec } = this
    this.issues.length = 0
    this.cut = false
    this.stripper = new PrefixStripper(spec.stripPrefix)
    const budget = new Budget(spec.limits, spec.format !== 'directory')
    const context: SourceContext = { file: spec.file, budget, report: (issue) => this.issues.push(issue), exclude: spec.exclude }
    const progress = new ProgressTicker(spec.onProgress, () => budget.bytesRead, spec.fileSize)
    const walk = new TreeWalk(context, this.stripper, progress)
    const source = spec.open(context)
    try {
      for await (const raw of source) {
        const entry = await walk.accept(raw)
        if (entry) yield entry
      }
      walk.finish()
      progress.tick(true)
    } catch (err) {
      if (!(err instanceof LimitReached)) throw this.failure(err)
      this.cut = true
      this.issues.push(limitExceeded(err.message, err.entry))
      progress.tick(true)
    } finally {
      await source.return(undefined).catch(() => undefined)
    }
  }

  private failure(err: unknown): unknown {
    const { file, format } = this.spec
    if (err instanceof DataError) {
      return new StagelightError('E_ARCHIVE_CORRUPT', `${file}: corrupt or truncated ${DESCRIPTION[format]}: ${err.message}`, { path: file, format }, { cause: err })
    }
    if (err instanceof Unsupported) {
      return new StagelightError('E_INPUT_INVALID', `${file}: unsupported content in ${DESCRIPTION[format]}: ${err.message}`, { path: file, format }, { cause: err })
    }
    return err
  }
}
