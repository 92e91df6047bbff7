locals {
  greeting = "hi ${var.name}"
  full     = "${local.greeting}, ${var.from_tfvars}"
  computed = var.n * 10 + length(var.list_tfvars)
  nested   = { inner = { value = upper(var.name) } }
  list     = ["zero", "one", "two"]
  chain    = local.computed > 30 ? local.list[var.n - 1] : "low"
  key      = "dynamic-key"
}
