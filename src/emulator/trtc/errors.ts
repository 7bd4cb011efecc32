/** An API 3.0 error: answered with HTTP 200 and `{"Response":{"Error":{Code,Message},RequestId}}` (spec §1.4). */
export class TrtcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const missing = (field: string, code = 'MissingParameter') =>
  new TrtcError(code, `The request is missing a required parameter \`${field}\`.`);
export const invalid = (field: string, why: string, code = 'InvalidParameter') =>
  new TrtcError(code, `The parameter \`${field}\` ${why}.`);
export const outOfRange = (field: string, why: string) => invalid(field, why, 'InvalidParameter.OutOfRange');

/** Chosen for a TaskId that is unknown, gone, or past its ResourceExpiredHour (spec §8.1 leaves it open). */
export const taskNotFound = (taskId: string, why = 'does not exist or has exited') =>
  new TrtcError('ResourceNotFound', `The task \`${taskId}\` ${why}.`);
