"""Process-level plumbing: embedded servers, logging, the `foxreviews` command's supervisor."""
