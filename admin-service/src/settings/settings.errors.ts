import { DomainError, ValidationFailedError } from '@cowork/service-kit';

/** If-Match named a version that is no longer current: someone changed the settings meanwhile. */
export class SettingsVersionMismatchError extends DomainError {
  constructor(expectedVersion: number, currentVersion: number) {
    super(
      'SETTINGS_VERSION_MISMATCH',
      412,
      `The settings are at version ${currentVersion}, not ${expectedVersion} (If-Match): read them again, then decide`,
      { expectedVersion, currentVersion },
    );
  }
}

export class MalformedIfMatchError extends ValidationFailedError {
  constructor() {
    super([
      {
        field: 'If-Match',
        messages: ['If-Match must be a settings version in quotes, e.g. "3" (the ETag of GET /admin/settings), or *'],
      },
    ]);
  }
}
