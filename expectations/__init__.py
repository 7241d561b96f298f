"""GX 1.x suites as code (ephemeral context, pandas route); orchestration/ turns them into asset checks."""
