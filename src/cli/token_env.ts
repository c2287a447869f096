/** The environment variable each program reads its token from when `--token` is not given. */
export const TOKEN_ENV = { inbox: "INBOX_TOKEN", orch: "ORCH_TOKEN" } as const;
