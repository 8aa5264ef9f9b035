// The key lives in this tab's session storage only: closing the tab signs out, and nothing is
// written to local storage, cookies or the URL.
const KEY = 'callhook.apiKey';

export function readApiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveApiKey(apiKey: string): void {
  sessionStorage.setItem(KEY, apiKey);
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(KEY);
}
