/**
 * @fileoverview Secrets that lockfiles, SBOMs and `.npmrc`-derived URLs can carry: the user
 * information of a URL (`https://user:password@host/…`, `https://token@host/…`) and token-like
 * query parameters. Everything audit shows from its input passes through here first.
 */

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s@?#]+)@/gi

/** `user:password@` always hides a secret; a lone name does over http(s) (a token as user) but not over ssh (`git@`). */
const hideUserinfo = (match: string, scheme: string, userinfo: string): string =>
  userinfo.includes(':') || !/ssh/i.test(scheme) ? `${scheme}***@` : match
const TOKEN_PARAMETER = /([?&;](?:_?auth(?:_?token)?|access_token|token|password|passwd|pwd|secret|api_?key|key|sig|signature)=)[^&\s#"']+/gi
const NPMRC_TOKEN = /(_authToken=|_auth=|_password=)\S+/gi

/** The text with URL credentials and token parameters replaced by `***`. */
export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, hideUserinfo).replace(TOKEN_PARAMETER, '$1***').replace(NPMRC_TOKEN, '$1***')
}

/** Whether the text holds something {@link redactSecrets} would hide. */
export const holdsSecret = (text: string): boolean => redactSecrets(text) !== text
