{#-
    The staging layer's map: for every landed source table, its base_ model (the one
    model reading the source), its stg_ model, and for tables where staging removes bot
    activity, the audit model (and filter) that holds what was removed.
    The audit models and the reconciliation test loop over this list, so a new source
    table is added here once and shows up in every audit.
-#}
{% macro mqx_base_models() %}
    {% set email_bots = 'stg_marketo__email_bot_activities' %}
    {{ return([
        {'source': 'salesforce', 'table': 'account',
            'model': 'base_salesforce__accounts', 'stg': 'stg_salesforce__accounts'},
        {'source': 'salesforce', 'table': 'contact',
            'model': 'base_salesforce__contacts', 'stg': 'stg_salesforce__contacts'},
        {'source': 'salesforce', 'table': 'lead',
            'model': 'base_salesforce__leads', 'stg': 'stg_salesforce__leads'},
        {'source': 'salesforce', 'table': 'opportunity',
            'model': 'base_salesforce__opportunities', 'stg': 'stg_salesforce__opportunities'},
        {'source': 'salesforce', 'table': 'opportunity_contact_role',
            'model': 'base_salesforce__opportunity_contact_roles',
            'stg': 'stg_salesforce__opportunity_contact_roles'},
        {'source': 'salesforce', 'table': 'task',
            'model': 'base_salesforce__tasks', 'stg': 'stg_salesforce__tasks'},
        {'source': 'salesforce', 'table': 'event',
            'model': 'base_salesforce__events', 'stg': 'stg_salesforce__events'},
        {'source': 'salesforce', 'table': 'campaign',
            'model': 'base_salesforce__campaigns', 'stg': 'stg_salesforce__campaigns'},
        {'source': 'salesforce', 'table': 'campaign_member',
            'model': 'base_salesforce__campaign_members',
            'stg': 'stg_salesforce__campaign_members'},
        {'source': 'marketo', 'table': 'lead',
            'model': 'base_marketo__leads', 'stg': 'stg_marketo__leads'},
        {'source': 'marketo', 'table': 'activity_send_email',
            'model': 'base_marketo__email_sends', 'stg': 'stg_marketo__email_sends'},
        {'source': 'marketo', 'table': 'activity_email_delivered',
            'model': 'base_marketo__email_deliveries', 'stg': 'stg_marketo__email_deliveries'},
        {'source': 'marketo', 'table': 'activity_open_email',
            'model': 'base_marketo__email_opens', 'stg': 'stg_marketo__email_opens',
            'bots': email_bots, 'bots_where': "activity_type = 'open'"},
        {'source': 'marketo', 'table': 'activity_click_email',
            'model': 'base_marketo__email_clicks', 'stg': 'stg_marketo__email_clicks',
            'bots': email_bots, 'bots_where': "activity_type = 'click'"},
        {'source': 'marketo', 'table': 'activity_fill_out_form',
            'model': 'base_marketo__form_fills', 'stg': 'stg_marketo__form_fills'},
        {'source': 'segment', 'table': 'pages',
            'model': 'base_segment__pages', 'stg': 'stg_segment__pages',
            'bots': 'stg_segment__bot_page_views', 'bots_where': '1 = 1'},
        {'source': 'segment', 'table': 'identifies',
            'model': 'base_segment__identifies', 'stg': 'stg_segment__identifies'},
        {'source': 'segment', 'table': 'ip_companies',
            'model': 'base_segment__ip_companies', 'stg': 'stg_segment__ip_companies'},
        {'source': 'bombora', 'table': 'surge',
            'model': 'base_bombora__surges', 'stg': 'stg_bombora__surges'},
        {'source': 'g2', 'table': 'buyer_intent',
            'model': 'base_g2__buyer_intent_signals', 'stg': 'stg_g2__buyer_intent_signals'},
        {'source': 'marketing', 'table': 'spend',
            'model': 'base_marketing__spend', 'stg': 'stg_marketing__spend'},
    ]) }}
{% endmacro %}
