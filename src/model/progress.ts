/** A step of long work: a line of text, or a count towards a total when the total is known. */
export type ProgressEvent =
  | string
  | {
      readonly label: string
      readonly done: number
      readonly total?: number
      /** how to show the counts: bytes as MiB, otherwise as numbers of this unit */
      readonly unit?: 'bytes' | string
    }

export type ProgressCallback = (event: ProgressEvent) => void
