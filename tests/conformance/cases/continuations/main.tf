# Expressions continued on the next line inside brackets: valid Terraform that python-hcl2 8.1 refuses, so the
# loader joins those lines and parses again. The other cases sit in the same file so the join must leave them as
# Terraform reads them: object items that start with a parenthesised key, tuple elements that start with `(`,
# strings, templates and heredocs holding the same shapes.

locals {
  connections = [
    { tenant = "", stage = "prod", name = "a" },
    { tenant = "core", stage = "dev", name = "b" },
  ]
  node_config = { containerd_config = { private_registry = { domains = ["x.example"] } } }
  key         = "k"
}

resource "terraform_data" "call_split_after_its_name" {
  input = [for c in local.connections : try
    (c.missing, c.name)]
}

resource "terraform_data" "arrow_on_its_own_line" {
  input = { for c in local.connections :
    (c.tenant != "" ? "${c.tenant}-${c.stage}" : c.stage)
  => c.name }
}

resource "terraform_data" "attribute_on_the_next_line" {
  input = length(try(
    local.node_config
    .containerd_config
    .private_registry
    .domains,
    []
  ))
}

resource "terraform_data" "parenthesised_object_key" {
  input = {
    plain = 1
    (local.key) = 2
  }
}

resource "terraform_data" "tuple_element_in_parentheses" {
  input = [
    "a",
    ("b"),
  ]
}

resource "terraform_data" "shapes_inside_strings" {
  input = "try\n(.x) => ${upper("y")}"
}

resource "terraform_data" "shapes_inside_a_heredoc" {
  input = <<-EOT
    try
    (x)
    .attr
    => y
  EOT
}

resource "terraform_data" "line_after_the_joins" {
  input = "the last block keeps its line"
}
