/** gitgrant's version, as `--version` prints it. A test keeps it equal to package.json's, which the single-file build cannot read at run time. */
export const VERSION = '0.1.0';
