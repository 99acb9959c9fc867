import type { Context } from "hono";

/** One problem in a request: where (JSON pointer into the body, or a query/path parameter) and what is wrong. */
export interface ProblemError {
  detail: string;
  pointer?: string;
  parameter?: string;
  value?: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ProblemError[];
  [extension: string]: unknown;
}

/** Problem types (RFC 9457 §3.1.1): stable URIs clients can switch on; the README lists them. */
export const PROBLEM_BASE = "https://keel.dev/problems/";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** An RFC 9457 `application/problem+json` response: every error of the API goes through here. */
export function problem(
  c: Context,
  status: number,
  type: string,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: `${PROBLEM_BASE}${type}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    instance: c.req.path,
    ...extra,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** Thrown by API handlers; the API's error handler renders it as problem+json. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly extra: Partial<Problem> = {},
  ) {
    super(detail);
    this.name = "ApiProblem";
  }
}
