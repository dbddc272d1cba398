"""Change records (CC8.1): GitHub pull requests, GitLab merge requests, generic records."""
