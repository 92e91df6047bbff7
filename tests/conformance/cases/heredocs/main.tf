# Heredoc closing markers as Terraform reads them: spaces or tabs before or after the marker still close it (the
# trailing ones are deliberate and must stay: an editor that trims them would remove the case).

resource "terraform_data" "trailing_spaces" {
  input = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EOF  
}

resource "terraform_data" "after_the_heredoc" {
  input = "read"
}

resource "terraform_data" "indented_trim_with_tab" {
  input = <<-EOT
    line one
      line two
    EOT	 
}

resource "terraform_data" "marker_with_words_is_content" {
  input = <<EOF
EOF x
body
  EOF 
}

resource "terraform_data" "interpolated" {
  input = <<-POLICY
    ${upper("arn")}:${join(",", ["a", "b"])}
  POLICY  
}

resource "terraform_data" "untouched" {
  input = <<EOF
trailing  
EOF
}
