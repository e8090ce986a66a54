window.ui = SwaggerUIBundle({ url: "/_allauth/openapi.json", dom_id: "#swagger-ui" });
