"""AWS IAM: policy documents, action matching, and the curated table of AWS managed policies."""
