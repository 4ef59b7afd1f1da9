{#-
    The base_ staging models, one per landed source table, with the table they read.
    The audit models (rows set aside, row reconciliation) union over this list, so a new
    source table is added here once and shows up in every audit.
-#}
{% macro mqx_base_models() %}
    {{ return([
        {'source': 'salesforce', 'table': 'account', 'model': 'base_salesforce__accounts'},
        {'source': 'salesforce', 'table': 'contact', 'model': 'base_salesforce__contacts'},
        {'source': 'salesforce', 'table': 'lead', 'model': 'base_salesforce__leads'},
        {'source': 'salesforce', 'table': 'opportunity', 'model': 'base_salesforce__opportunities'},
        {'source': 'salesforce', 'table': 'opportunity_contact_role',
            'model': 'base_salesforce__opportunity_contact_roles'},
        {'source': 'salesforce', 'table': 'task', 'model': 'base_salesforce__tasks'},
        {'source': 'salesforce', 'table': 'event', 'model': 'base_salesforce__events'},
        {'source': 'salesforce', 'table': 'campaign', 'model': 'base_salesforce__campaigns'},
        {'source': 'salesforce', 'table': 'campaign_member',
            'model': 'base_salesforce__campaign_members'},
        {'source': 'marketo', 'table': 'lead', 'model': 'base_marketo__leads'},
        {'source': 'marketo', 'table': 'activity_send_email', 'model': 'base_marketo__email_sends'},
        {'source': 'marketo', 'table': 'activity_email_delivered',
            'model': 'base_marketo__email_deliveries'},
        {'source': 'marketo', 'table': 'activity_open_email', 'model': 'base_marketo__email_opens'},
        {'source': 'marketo', 'table': 'activity_click_email', 'model': 'base_marketo__email_clicks'},
        {'source': 'marketo', 'table': 'activity_fill_out_form', 'model': 'base_marketo__form_fills'},
        {'source': 'segment', 'table': 'pages', 'model': 'base_segment__pages'},
        {'source': 'segment', 'table': 'identifies', 'model': 'base_segment__identifies'},
        {'source': 'segment', 'table': 'ip_companies', 'model': 'base_segment__ip_companies'},
        {'source': 'bombora', 'table': 'surge', 'model': 'base_bombora__surges'},
        {'source': 'g2', 'table': 'buyer_intent', 'model': 'base_g2__buyer_intent_signals'},
        {'source': 'marketing', 'table': 'spend', 'model': 'base_marketing__spend'},
    ]) }}
{% endmacro %}
