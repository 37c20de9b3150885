/** The Chromium to drive: GITGRANT_CHROMIUM when set, else the first usual path that exists. */
export function findChromium(): string | undefined;
