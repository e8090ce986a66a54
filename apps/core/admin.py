# core has no models of its own to administer; admin branding is set in CoreConfig.ready().
