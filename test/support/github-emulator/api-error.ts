/** GitHub's error answers, thrown by handlers and turned into responses by the server. */

export const DOCS = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: ValidationErrorItem[],
    readonly documentationUrl = DOCS,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): Record<string, unknown> {
    return {
      message: this.message,
      documentation_url: this.documentationUrl,
      ...(this.errors ? { errors: this.errors } : {}),
      status: String(this.status),
    };
  }
}

export const notFound = (message = 'Not Found'): ApiError => new ApiError(404, message);
export const unprocessable = (message: string, errors?: ValidationErrorItem[]): ApiError =>
  new ApiError(422, message, errors);
export const conflict = (message: string): ApiError => new ApiError(409, message);
